// The typed compose model Berth plans from: short and long syntaxes normalised to one shape,
// sizes in MB, durations in ms, commands as argv arrays, services in document order.

export type Protocol = 'tcp' | 'udp';

export interface ComposePort {
  /** Published host port; absent when compose picks a random one ("3000"). */
  host?: number;
  hostIp?: string;
  container: number;
  protocol: Protocol;
}

export interface ComposeVolumeMount {
  type: 'bind' | 'volume' | 'tmpfs';
  /** Host path (bind), volume name (volume); absent for anonymous volumes and tmpfs. */
  source?: string;
  target: string;
  readOnly: boolean;
}

export interface ComposeHealthcheck {
  /** Docker's HEALTHCHECK form: ['CMD', ...], ['CMD-SHELL', cmd]. */
  test?: string[];
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
  /** Not applied (the engine API Berth speaks predates it): the plan warns. */
  startIntervalMs?: number;
  disabled: boolean;
}

export type DependsOnCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface ComposeService {
  name: string;
  image?: string;
  build?: { context: string; dockerfile: string; args: Record<string, string>; target?: string };
  command?: string[];
  entrypoint?: string[];
  /** null = "take it from the deploying shell", which the control plane cannot see. */
  environment: Record<string, string | null>;
  ports: ComposePort[];
  expose: number[];
  /** Networks the service joins; `default` when the file names none. */
  networks: string[];
  /** Extra DNS names per network (compose `networks.<n>.aliases`). */
  networkAliases?: Record<string, string[]>;
  /** `restart: true` and `required: false` are not honoured: the plan warns. */
  dependsOn: { service: string; condition: DependsOnCondition; restart?: boolean; required?: boolean }[];
  healthcheck?: ComposeHealthcheck;
  restart?: string;
  volumes: ComposeVolumeMount[];
  labels: Record<string, string>;
  limits: { memoryMb?: number; cpus?: number };
  replicas?: number;
  logging?: { driver?: string; options: Record<string, string> };
  hostname?: string;
  user?: string;
  stopSignal?: string;
  stopGracePeriodMs?: number;
  /** Top-level secrets this service mounts, at absolute targets. */
  secrets: ComposeSecretMount[];
}

export interface ComposeSecretMount {
  source: string;
  target: string;
  uid?: number;
  gid?: number;
  mode?: number;
}

/** A top-level secret: which source the file names (only `file` can become a resource secret). */
export interface ComposeSecret {
  name: string;
  source: 'file' | 'environment' | 'external' | 'none';
}

/** Where compose mounts a service secret whose target is absent or relative. */
export const SECRETS_DIR = '/run/secrets';

export interface ComposeNamedObject {
  name: string;
  external: boolean;
  driver?: string;
  internal?: boolean;
  /** `name:` as written: the engine object's own name, used without a Berth prefix. */
  fixedName?: string;
}

export interface ComposeModel {
  projectName?: string;
  services: ComposeService[];
  /** Networks declared at top level (the implicit `default` is not listed). */
  networks: ComposeNamedObject[];
  volumes: ComposeNamedObject[];
  secrets: ComposeSecret[];
  warnings: string[];
}

/** The network every service joins when it names none (compose's implicit network). */
export const DEFAULT_NETWORK = 'default';
