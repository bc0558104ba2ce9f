/** Timings and thresholds of the deployment engine; tests shorten them, defaults suit real use. */
export interface EngineSettings {
  /** Where sources are copied, extracted or checked out. */
  workRoot: string;
  baseDomain: string;
  heartbeatMs: number;
  /** An active attempt whose heartbeat is older than this is interrupted by the reconciler. */
  staleAfterSeconds: number;
  reconcileEveryMs: number;
  /** Consecutive `running` polls a service without a healthcheck needs (5 by default). */
  runningPolls: number;
  pollMs: number;
  /** How long the old version keeps its connections after the route switched. */
  drainMs: number;
  /**
   * Seconds the version a switch replaced keeps running (warm), so a rollback to it is a route
   * switch (docs/recovery.md, "Warm rollback"). 0: it is retired at once. Costs that version's
   * memory for the window.
   */
  rollbackWarmSeconds: number;
  /** Preflight: a build needs at least this much free space on the engine's disk. */
  minFreeBytes: number;
  /**
   * What the control plane host trusts, handed to dependency installs on stdin (never baked into
   * an image). Absent: installs trust only their image's own store (BERTH_BUILD_HOST_TRUST=0).
   */
  hostTrust?: HostTrust;
  /** How long verify waits for a domain's certificate (cert_failed past failures, a warning while pending). */
  certRetrySeconds: number;
  /** PEM roots the HTTPS check of a domain trusts (a private ACME CA's root); absent: the platform's store. */
  acmeTrust?: string;
  /** Step deadlines in seconds. */
  deadlines: { source: number; plan: number; build: number; pull: number; start: number; verify: number; route: number };
}

/** The host's CA bundle (PEM certificates, deduplicated) and proxy variables (upper-case names). */
export interface HostTrust {
  caBundle: string;
  proxy: Record<string, string>;
}

export const DEFAULT_ENGINE_SETTINGS: Omit<EngineSettings, 'workRoot' | 'baseDomain'> = {
  heartbeatMs: 2_000,
  staleAfterSeconds: 60,
  reconcileEveryMs: 15_000,
  runningPolls: 5,
  pollMs: 250,
  drainMs: 2_000,
  rollbackWarmSeconds: 0,
  minFreeBytes: 1024 * 1024 * 1024,
  certRetrySeconds: 120,
  deadlines: { source: 300, plan: 60, build: 1800, pull: 600, start: 120, verify: 600, route: 30 },
};
