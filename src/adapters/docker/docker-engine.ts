import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import type {
  BuildRequest,
  BuiltImage,
  ContainerEngine,
  ContainerState,
  DiskUsage,
  EngineInfo,
  EngineUsage,
  NetworkSummary,
  PullRequest,
  RestartPolicy,
  RunRequest,
  RunningContainer,
  TaskFile,
  TaskRequest,
  TaskResult,
} from '../../ports/container-engine.js';
import type { SshSession } from '../../ports/ssh.js';
import { buildImage } from './build.js';
import { carryImage } from './carry-image.js';
import { inspectContainer, listContainers, removeContainer, stopContainer } from './containers.js';
import { diskUsage, type HostStatfs } from './disk-usage.js';
import { dockerClient, type DockerEnv } from './engine.js';
import { engineCall } from './errors.js';
import { imageIdOf, removeImage, tagImage } from './images.js';
import { importImage, type ImportRequest } from './import-image.js';
import { containerEnv, engineInfo, engineUsage, listNetworks } from './inventory.js';
import { listeningPortsOfPid } from './listening-ports.js';
import { followLogs, logsTail } from './logs.js';
import { ensureNetwork, removeNetwork } from './networks.js';
import { DEFAULT_PULL_BASE_DELAY_MS, pullImage } from './pull.js';
import { restartPolicy, runContainer } from './run.js';
import { dockerOverSsh } from './ssh-agent.js';
import { readContextFiles, runTask } from './task.js';

export interface DockerEngineOptions {
  /** DOCKER_HOST-style endpoint; the local socket when unset. Shorthand for env.DOCKER_HOST. */
  dockerHost?: string;
  /** The docker variables (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, ...); dockerHost wins over env.DOCKER_HOST. */
  env?: DockerEnv;
  /** An existing client; wins over ssh, dockerHost and env. */
  client?: Docker;
  /**
   * A server's engine through its SSH session: every request is a stream forwarded to the
   * engine's unix socket there (default /var/run/docker.sock). Wins over dockerHost and env.
   */
  ssh?: { session: Pick<SshSession, 'openUnixSocket'>; socketPath?: string };
  /**
   * Whether the engine runs on this machine, so its /proc and DockerRootDir are ours to read.
   * Default: true for a local unix socket, false for a TCP endpoint, SSH or a given client.
   */
  local?: boolean;
  /** First pull retry delay; it doubles per attempt. */
  pullBaseDelayMs?: number;
  /**
   * The CIDRs the engine's host routes, so new networks avoid them (a server's, read over SSH by
   * the caller). Default none: the local engine's own networks are all it checks.
   */
  hostRoutes?: () => Promise<string[]>;
  /** statfs of a path on the engine's host, for an engine elsewhere (a server's, over SFTP). */
  hostStatfs?: HostStatfs;
}

/** ContainerEngine over the Docker Engine API (dockerode); never the docker CLI. */
export class DockerEngine implements ContainerEngine {
  readonly docker: Docker;
  private readonly local: boolean;
  private readonly pullBaseDelayMs: number;
  private readonly hostRoutes: () => Promise<string[]>;
  private readonly hostStatfs: HostStatfs | undefined;

  constructor(opts: DockerEngineOptions = {}) {
    const env: DockerEnv = { ...opts.env, ...(opts.dockerHost ? { DOCKER_HOST: opts.dockerHost } : {}) };
    this.docker = opts.client ?? (opts.ssh ? dockerOverSsh(opts.ssh.session, opts.ssh.socketPath) : dockerClient(env));
    this.local = opts.local ?? (!opts.client && !opts.ssh && (!env.DOCKER_HOST || env.DOCKER_HOST.startsWith('unix://')));
    this.pullBaseDelayMs = opts.pullBaseDelayMs ?? DEFAULT_PULL_BASE_DELAY_MS;
    this.hostRoutes = opts.hostRoutes ?? (async () => []);
    this.hostStatfs = opts.hostStatfs;
  }

  async ping(): Promise<void> {
    await engineCall('ping', () => this.docker.ping());
  }

  ensureNetwork(name: string, labels: Record<string, string>): Promise<void> {
    return ensureNetwork(this.docker, name, labels, this.hostRoutes);
  }

  removeNetwork(name: string): Promise<void> {
    return removeNetwork(this.docker, name);
  }

  build(req: BuildRequest): Promise<BuiltImage> {
    return buildImage(this.docker, req);
  }

  readContextFiles(contextDir: string, paths: readonly string[]): Promise<TaskFile[]> {
    return readContextFiles(contextDir, paths);
  }

  runTask(req: TaskRequest): Promise<TaskResult> {
    return runTask(this.docker, req);
  }

  pull(req: PullRequest): Promise<{ imageId: string }> {
    return pullImage(this.docker, req, this.pullBaseDelayMs);
  }

  imageId(ref: string): Promise<string | undefined> {
    return imageIdOf(this.docker, ref);
  }

  tagImage(imageId: string, tag: string): Promise<void> {
    return tagImage(this.docker, imageId, tag);
  }

  run(req: RunRequest): Promise<RunningContainer> {
    return runContainer(this.docker, req);
  }

  inspect(containerId: string): Promise<ContainerState | undefined> {
    return inspectContainer(this.docker, containerId);
  }

  logsTail(containerId: string, lines: number): Promise<string> {
    return logsTail(this.docker, containerId, lines);
  }

  followLogs(containerId: string, signal: AbortSignal, opts?: { tail?: number }): Promise<Readable> {
    return followLogs(this.docker, containerId, signal, opts);
  }

  setRestartPolicy(containerId: string, policy: RestartPolicy): Promise<void> {
    return engineCall('update', async () => {
      await this.docker.getContainer(containerId).update({ RestartPolicy: restartPolicy(policy) });
    });
  }

  stop(containerId: string, timeoutSeconds: number): Promise<void> {
    return stopContainer(this.docker, containerId, timeoutSeconds);
  }

  remove(containerId: string): Promise<void> {
    return removeContainer(this.docker, containerId);
  }

  listContainers(labels: Record<string, string>): Promise<ContainerState[]> {
    return listContainers(this.docker, labels);
  }

  /** Read from the host's /proc; a remote engine's processes are not visible here. */
  async listeningPorts(containerId: string): Promise<number[] | undefined> {
    if (!this.local) return undefined;
    const info = await engineCall(
      'listeningPorts',
      () => this.docker.getContainer(containerId).inspect(),
      (r) => (r.statusCode === 404 ? { value: undefined } : undefined),
    );
    if (!info?.State.Running) return undefined;
    return listeningPortsOfPid(info.State.Pid);
  }

  diskUsage(): Promise<DiskUsage> {
    return diskUsage(this.docker, this.local, this.hostStatfs);
  }

  removeImage(ref: string): Promise<void> {
    return removeImage(this.docker, ref);
  }

  info(): Promise<EngineInfo> {
    return engineInfo(this.docker);
  }

  usage(): Promise<EngineUsage> {
    return engineUsage(this.docker);
  }

  listNetworks(labels: Record<string, string>): Promise<NetworkSummary[]> {
    return listNetworks(this.docker, labels);
  }

  containerEnv(containerId: string): Promise<Record<string, string> | undefined> {
    return containerEnv(this.docker, containerId);
  }

  /** Not on the port: copies `ref` from this engine to another (no registry); undefined when this one lacks it. */
  carryImageTo(target: DockerEngine, ref: string, signal?: AbortSignal): Promise<string | undefined> {
    return carryImage(this.docker, target.docker, ref, signal);
  }

  /** Not on the port: a root filesystem as an image, for the base images Berth makes itself. */
  importImage(req: ImportRequest): Promise<string> {
    return importImage(this.docker, req);
  }
}

export function createDockerEngine(opts: DockerEngineOptions = {}): DockerEngine {
  return new DockerEngine(opts);
}
