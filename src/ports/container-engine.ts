import type { Readable } from 'node:stream';

// The container engine of one target (local Docker Engine API, or Docker over SSH).
// Every object Berth creates carries BERTH_LABELS so pruning and crash recovery can find them.

export { LABELS } from '../core/ownership/labels.js';
import type { LogDriver, RestartPolicy } from '../core/plan/plan.js';
export type { RestartPolicy } from '../core/plan/plan.js';

export interface BuildRequest {
  /** Directory sent as the build context (streamed as tar, honouring .dockerignore). */
  contextDir: string;
  /** Dockerfile path relative to contextDir, or inline text that Berth generated. */
  dockerfile: { path: string } | { text: string };
  tag: string;
  labels: Record<string, string>;
  buildArgs?: Record<string, string>;
  /** The stage of a multi-stage Dockerfile to stop at. */
  target?: string;
  /** Dockerignore patterns left out of the context on top of its .dockerignore (they win over it). */
  exclude?: string[];
  onLog?: (line: string) => void;
  signal?: AbortSignal;
}

/** A file for a task container, relative to its working directory. */
export interface TaskFile {
  path: string;
  content: Uint8Array;
  mode: number;
}

/**
 * A one-off container that runs to its end (a dependency install): committed as an image when
 * it exits 0 and `commit` is set, then removed whatever happened (aborting kills it first).
 */
export interface TaskRequest {
  name: string;
  image: string;
  command: string[];
  workingDir: string;
  /** Put into workingDir before the container starts. */
  files: TaskFile[];
  /** Written to the process's stdin once it runs: never in the container's config or an image. */
  stdin?: string;
  labels: Record<string, string>;
  onLog?: (line: string) => void;
  signal?: AbortSignal;
  /** On exit 0: the container as an image, with its environment and working directory. */
  commit?: CommitRequest;
}

export interface CommitRequest {
  tag: string;
  labels: Record<string, string>;
  /** The image's command (the task's own command is not kept). */
  cmd: string[];
}

export interface TaskResult {
  exitCode: number;
  /** The committed image, when the task exited 0 and asked for one. */
  imageId?: string;
}

export interface BuiltImage {
  imageId: string;
  tag: string;
}

export interface PullRequest {
  image: string;
  maxAttempts?: number;
  onAttempt?: (attempt: number, nextRetryAt: string | null, reason: string) => void;
  /** The engine's status lines (layers pulled, digest), without the byte-count updates. */
  onLog?: (line: string) => void;
  signal?: AbortSignal;
}

/** Docker's HEALTHCHECK, durations in ms. An absent test keeps the image's own test. */
export interface RunHealthcheck {
  test?: string[];
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
}

export interface RunRequest {
  name: string;
  image: string;
  command?: string[];
  entrypoint?: string[];
  env?: Record<string, string>;
  labels: Record<string, string>;
  network: string;
  /** DNS aliases on the network (compose service names). */
  aliases?: string[];
  /** Further networks joined, with the same aliases, before the container starts. */
  extraNetworks?: string[];
  /** More aliases on one network only (engine network name -> names). */
  networkAliases?: Record<string, string[]>;
  /** Bare `on-failure` retries without limit, as in compose; `on-failure:N` stops after N. */
  restartPolicy?: RestartPolicy;
  memoryMb?: number;
  cpus?: number;
  publish?: { host: number; container: number; protocol: 'tcp' | 'udp'; hostIp?: string }[];
  /** Ports the container declares without publishing them (compose `expose:`). */
  expose?: number[];
  healthcheck?: RunHealthcheck;
  hostname?: string;
  user?: string;
  stopSignal?: string;
  /** Seconds a stop waits before it kills; every later stop of this container honours it. */
  stopTimeoutSeconds?: number;
  logging?: { driver?: LogDriver; options: Record<string, string> };
  /**
   * `type: 'tmpfs'` is a memory filesystem at target (source ''); otherwise an absolute source
   * binds, a name is a volume. An `external` volume must exist already: it is never created.
   */
  volumes?: { source: string; target: string; readOnly: boolean; type?: 'bind' | 'volume' | 'tmpfs'; external?: boolean }[];
  /** Files written into the container before it starts and made read-only there (compose secrets); never in an image. */
  secretFiles?: { target: string; content: string; uid?: number; gid?: number; mode?: number }[];
}

export interface RunningContainer {
  id: string;
  name: string;
  /** Address on the Berth network, reachable from the host (and the proxy). */
  ip: string;
}

export interface ContainerState {
  id: string;
  status: 'created' | 'running' | 'restarting' | 'exited' | 'paused' | 'dead' | 'removing';
  exitCode: number | null;
  restartCount: number;
  health: 'healthy' | 'unhealthy' | 'starting' | null;
  labels: Record<string, string>;
  ip: string | null;
}

export interface DiskUsage {
  path: string;
  freeBytes: number;
  totalBytes: number;
  freeInodes: number | null;
  /** Inodes of that filesystem, when it reports them. */
  totalInodes?: number | null;
}

/** What the engine says about itself (diagnose bundles, server test). */
export interface EngineInfo {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
  kernelVersion: string;
  storageDriver: string;
  rootDir: string;
  containers: { total: number; running: number; stopped: number };
  images: number;
}

/** One image as the engine's disk usage report lists it. */
export interface ImageUsage {
  id: string;
  /** Tags, without the `<none>:<none>` placeholder. */
  repoTags: string[];
  labels: Record<string, string>;
  parentId: string | null;
  sizeBytes: number;
  /** Bytes in layers other images share; null when the engine did not compute it. */
  sharedBytes: number | null;
  /** Containers (any state) using it; null when unknown. */
  containers: number | null;
}

/** One container as the engine's usage report lists it (the shape reclaim planning reads). */
import type { InventoryContainer } from '../core/diagnostics/reclaim-plan.js';
export type ContainerUsage = InventoryContainer;

export interface BuildCacheUsage {
  id: string;
  type: string;
  sizeBytes: number;
  inUse: boolean;
  shared: boolean;
}

/** The engine's disk usage report (Docker's /system/df): every image, container and build cache record. */
export interface EngineUsage {
  /** Bytes of all image layers on disk, shared layers counted once. */
  layersBytes: number;
  images: ImageUsage[];
  containers: ContainerUsage[];
  buildCache: BuildCacheUsage[];
}

export interface NetworkSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
}

export interface ContainerEngine {
  ping(): Promise<void>;
  ensureNetwork(name: string, labels: Record<string, string>): Promise<void>;
  /** Removes a network that no container uses any more (gone or in use: no error). */
  removeNetwork(name: string): Promise<void>;
  build(req: BuildRequest): Promise<BuiltImage>;
  /**
   * Reads files of a build context (relative paths; a directory brings its files), as the
   * engine would send them; missing paths are skipped.
   */
  readContextFiles(contextDir: string, paths: readonly string[]): Promise<TaskFile[]>;
  runTask(req: TaskRequest): Promise<TaskResult>;
  pull(req: PullRequest): Promise<{ imageId: string }>;
  /** Image id when present locally, undefined otherwise. */
  imageId(ref: string): Promise<string | undefined>;
  tagImage(imageId: string, tag: string): Promise<void>;
  run(req: RunRequest): Promise<RunningContainer>;
  inspect(containerId: string): Promise<ContainerState | undefined>;
  logsTail(containerId: string, lines: number): Promise<string>;
  /** From the first line, or only the last `tail` lines before going live. */
  followLogs(containerId: string, signal: AbortSignal, opts?: { tail?: number }): Readable | Promise<Readable>;
  /** Changes the restart policy of a container (verify runs without restarts, a verified one keeps running). */
  setRestartPolicy(containerId: string, policy: RestartPolicy): Promise<void>;
  /** `timeoutSeconds` applies unless the container was created with its own stop timeout. */
  stop(containerId: string, timeoutSeconds: number): Promise<void>;
  remove(containerId: string): Promise<void>;
  /** Containers (running or not) carrying all the given labels. */
  listContainers(labels: Record<string, string>): Promise<ContainerState[]>;
  /** Ports listening inside a running container (from /proc/net/tcp), when it can be read. */
  listeningPorts(containerId: string): Promise<number[] | undefined>;
  /** Free space where the engine stores images (the docker root dir). */
  diskUsage(): Promise<DiskUsage>;
  removeImage(ref: string): Promise<void>;
  info(): Promise<EngineInfo>;
  /** Images, containers and build cache with their sizes (one engine call). */
  usage(): Promise<EngineUsage>;
  /** Networks carrying all the given labels. */
  listNetworks(labels: Record<string, string>): Promise<NetworkSummary[]>;
  /**
   * The container's environment, undefined when it no longer exists. Only for masking secret
   * values in its logs, and for checking that a warm container still has the environment a new
   * one would get: never returned to a caller.
   */
  containerEnv(containerId: string): Promise<Record<string, string> | undefined>;
}
