// The edge proxy of one target (Caddy driven through its admin API). Switching a route's
// upstream must not drop requests or reset client connections.

export interface RouteSpec {
  /** Stable id, one route per resource (and per preview): letters, digits, `.`, `_`, `-`. */
  id: string;
  /** Hosts this route answers (no port); a host belongs to one route only. */
  hosts: string[];
  /** host:port the proxy dials (container IP on the Berth network + internal port). */
  upstream: string;
}

/** A route as the running proxy serves it (read back from the proxy, not from Berth's intent). */
export type ObservedRoute = RouteSpec;

/**
 * Errors: proxy_unavailable when the proxy cannot be started or does not answer;
 * proxy_route_failed when a route is refused or not observed after a change.
 */
export interface EdgeProxy {
  /** Starts or adopts the proxy processes and their base config; idempotent. */
  ensureRunning(): Promise<{ httpPort: number }>;
  /**
   * Creates the route or switches its upstream; returns once the proxy serves it. Requests in
   * flight finish on the old upstream, which must keep serving for the drain period.
   */
  applyRoute(route: RouteSpec): Promise<void>;
  /** Idempotent: removing a missing route succeeds. */
  removeRoute(id: string): Promise<void>;
  /** Reads never start or change the proxy. */
  getRoute(id: string): Promise<ObservedRoute | undefined>;
  listRoutes(): Promise<ObservedRoute[]>;
  /** The port clients reach (generated URLs use it). */
  httpPort(): number;
  /**
   * Whether the proxy was ever set up on its target (its containers exist, running or not), for a
   * target where the first deploy sets it up (an SSH server). Reads only.
   */
  installed?(): Promise<boolean>;
  /**
   * Stops the proxy processes (they outlive the control plane otherwise); routes are kept for
   * the next start. Returns the pids that were running.
   */
  stop(): Promise<{ edge?: number; switch?: number }>;
}
