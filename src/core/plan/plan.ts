// The plan model: what detect + plan decided, before anything runs. Pure data, shown by
// `berth plan` and frozen into a deployment's snapshot.

export type SupportTier = 'supported' | 'best-effort' | 'experimental';
export type PlannerName = 'static' | 'node' | 'dockerfile' | 'compose' | 'image';
export type ArtifactKind = 'image' | 'compose';

/** One observation that led to a decision, safe to show (file names, script names, no values). */
export interface Evidence {
  kind: string; // e.g. 'file', 'lockfile', 'script', 'config', 'explicit'
  detail: string; // e.g. 'package-lock.json', 'scripts.start', 'berth.yml runtime.method'
}

export interface HealthCheckPlan {
  path: string;
  expectStatus?: number;
  timeoutSeconds: number;
  intervalMs: number;
}

/** How to produce the image of one service. */
export type BuildPlan =
  | {
      kind: 'dockerfile';
      contextDir: string;
      dockerfile: string;
      /** Build arguments (compose build.args). */
      args?: Record<string, string>;
      /** The multi-stage build stage to stop at (compose build.target). */
      target?: string;
    }
  /** Berth writes this Dockerfile text itself (the static planner). */
  | { kind: 'generated'; contextDir: string; dockerfileText: string }
  | NodeBuildPlan
  | { kind: 'image'; image: string };

export type PackageManagerName = 'npm' | 'yarn' | 'pnpm';

/** Build settings from the resource's build profile (berth.yml `build`), frozen into the plan. */
export interface BuildSettings {
  /** Plain variables for the install and build steps (not secrets; they may land in the image). */
  env?: Record<string, string>;
  /** Build arguments (Dockerfile ARG). */
  args?: Record<string, string>;
  /** Names of resource secrets usable during the install; values never in plans or image layers. */
  secrets?: string[];
  /** The install trusts the control plane host's CA bundle and takes its proxy variables. */
  hostTrust: boolean;
}

/**
 * A Node.js app: dependencies installed in a container from only the install files (the
 * committed result is cached by their hash), then the sources built on top. A build-then-serve
 * site ends in the static image holding only `output.dir`.
 */
export interface NodeBuildPlan {
  kind: 'node';
  contextDir: string;
  /** The Node.js major the app builds and runs on, and Berth's base image that provides it. */
  node: { major: number; image: string };
  packageManager: { name: PackageManagerName; version?: string; berry?: boolean };
  /** Files the install reads (package.json, lockfile, package manager config), relative to contextDir. */
  installFiles: string[];
  install?: string;
  build?: string;
  /** Build-then-serve: the static image serves this directory of the build's output. */
  output?: { dir: string; spaFallback: boolean };
  /** The server's start command; absent when `output` is set. */
  start?: string;
  port: number;
  settings: BuildSettings;
}

export interface ServicePlan {
  /** 'web' for single-service plans; the compose service name otherwise. */
  name: string;
  build: BuildPlan;
  command?: string[];
  env?: Record<string, string>;
  /** Names of secret env vars, resolved at run time from the secret store (values never in plans). */
  secretEnv?: string[];
  /** The port the process listens on inside the container; set for the routed service. */
  internalPort?: number;
  /** Host port publications (compose `ports:`), validated against reserved ports. */
  /** `hostIp` limits the publication to one host address (compose `127.0.0.1:5432:5432`). */
  publish?: { host: number; container: number; protocol: 'tcp' | 'udp'; hostIp?: string }[];
  networks?: string[];
  /** Extra DNS names per compose network, besides the service name. */
  networkAliases?: Record<string, string[]>;
  dependsOn?: string[];
  /** Start condition per dependsOn entry (compose `depends_on.<svc>.condition`), when not plain start. */
  dependsOnCondition?: Record<string, 'service_started' | 'service_healthy' | 'service_completed_successfully'>;
  healthcheckDefined?: boolean;
  /** The compose healthcheck itself, for the engine's HEALTHCHECK (durations in ms). */
  healthcheck?: { test?: string[]; intervalMs?: number; timeoutMs?: number; retries?: number; startPeriodMs?: number };
  entrypoint?: string[];
  /** Compose `restart`, applied once the service is verified (Berth's default: unless-stopped). */
  restart?: RestartPolicy;
  /** Only 1 runs today: compose planning blocks any other count (replicas_unsupported). */
  replicas?: number;
  labels?: Record<string, string>;
  /** Container ports the service listens on without publishing them (compose `expose:`). */
  expose?: number[];
  memoryMb?: number;
  cpus?: number;
  /**
   * `source` is '' for anonymous volumes and tmpfs, the host path of a bind, the compose name of
   * a named volume; `type` tells them apart. `name` is the engine volume's name as written
   * (`external: true` or `name:`); without it Berth names a named volume per resource. An
   * `external` one must exist on the engine.
   */
  volumes?: { source: string; target: string; readOnly: boolean; type?: 'bind' | 'volume' | 'tmpfs'; name?: string; external?: boolean }[];
  /** Resource secrets mounted as read-only files (compose `secrets:`): names and paths, never values. */
  secretFiles?: { secret: string; target: string; uid?: number; gid?: number; mode?: number }[];
  /** Compose `hostname`. */
  hostname?: string;
  /** Compose `user`: `uid[:gid]` or a name known to the image. */
  user?: string;
  /** Compose `stop_signal`: what Docker sends when Berth stops the container. */
  stopSignal?: string;
  /** Compose `stop_grace_period`, whole seconds: how long a stop waits before it kills. */
  stopGraceSeconds?: number;
  /** Compose `logging`, for the drivers `berth logs` can still read (others: a plan warning). */
  logging?: { driver?: LogDriver; options: Record<string, string> };
}

/** Log drivers the engine can read back, so Berth's log and diagnose commands keep working. */
export const READABLE_LOG_DRIVERS = ['json-file', 'local'] as const;
export type LogDriver = (typeof READABLE_LOG_DRIVERS)[number];

/** Compose's restart spellings. */
export type RestartPolicy = 'no' | 'always' | 'unless-stopped' | 'on-failure' | `on-failure:${number}`;

/** A compose field Berth accepts but does not honour: shown, with a code a client can branch on. */
export interface PlanWarning {
  reasonCode: string;
  /** Where in the compose file, e.g. `services.web.logging`. */
  field: string;
  message: string;
}

export interface Plan {
  planner: PlannerName;
  supportTier: SupportTier;
  artifactKind: ArtifactKind;
  evidence: Evidence[];
  commands: { install?: string; build?: string; start?: string };
  services: ServicePlan[];
  /** The service the access URL routes to. */
  routedService: string;
  internalPort: number;
  health: HealthCheckPlan;
  /** Compose networks declared at top level (compose plans). */
  networks: string[];
  warnings: string[];
  /**
   * Warnings with a reason code (fields accepted but not honoured). Each message is also in
   * `warnings`, so readers of the plain list see it too.
   */
  warningCodes?: PlanWarning[];
}

/** Why a plan could not be made, with where to fix it (a blocked preview). */
export interface PlanBlock {
  phase: 'detect' | 'plan';
  code: string;
  reasonCode: string;
  evidence: Evidence[];
  fixPath: string;
  overridePath: string;
  profileField?: string;
}
