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
  | { kind: 'dockerfile'; contextDir: string; dockerfile: string; /** Build arguments (compose build.args). */ args?: Record<string, string> }
  /** Berth writes this Dockerfile text itself (static and node planners). */
  | { kind: 'generated'; contextDir: string; dockerfileText: string }
  | { kind: 'image'; image: string };

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
  publish?: { host: number; container: number; protocol: 'tcp' | 'udp' }[];
  networks?: string[];
  dependsOn?: string[];
  /** Start condition per dependsOn entry (compose `depends_on.<svc>.condition`), when not plain start. */
  dependsOnCondition?: Record<string, 'service_started' | 'service_healthy' | 'service_completed_successfully'>;
  healthcheckDefined?: boolean;
  /** The compose healthcheck itself, for the engine's HEALTHCHECK (durations in ms). */
  healthcheck?: { test?: string[]; intervalMs?: number; timeoutMs?: number; retries?: number; startPeriodMs?: number };
  entrypoint?: string[];
  restart?: string;
  replicas?: number;
  labels?: Record<string, string>;
  /** Container ports the service listens on without publishing them (compose `expose:`). */
  expose?: number[];
  memoryMb?: number;
  cpus?: number;
  /** `source` is '' for anonymous volumes and tmpfs; `type` tells a host path from a named volume. */
  volumes?: { source: string; target: string; readOnly: boolean; type?: 'bind' | 'volume' | 'tmpfs' }[];
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
