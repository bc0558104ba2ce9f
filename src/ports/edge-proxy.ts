// The edge proxy of one target (Caddy driven through its admin API). Switching a route's
// upstream must not drop requests or reset client connections.

export interface RouteSpec {
  /** Stable id, one route per resource (and per preview). */
  id: string;
  hosts: string[];
  /** host:port the proxy dials (container IP on the Berth network + internal port). */
  upstream: string;
}

export interface ObservedRoute {
  id: string;
  hosts: string[];
  upstream: string;
}

export interface EdgeProxy {
  /** Starts or adopts the proxy processes and their base config; idempotent. */
  ensureRunning(): Promise<{ httpPort: number }>;
  /** Creates the route or switches its upstream; returns once the proxy serves it. */
  applyRoute(route: RouteSpec): Promise<void>;
  removeRoute(id: string): Promise<void>;
  getRoute(id: string): Promise<ObservedRoute | undefined>;
  listRoutes(): Promise<ObservedRoute[]>;
  /** The port clients reach (generated URLs use it). */
  httpPort(): number;
}
