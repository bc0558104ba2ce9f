import type { CertificateObservation } from '../core/domains/domain.js';

// The edge proxy of one target (Caddy driven through its admin API). Switching a route's
// upstream must not drop requests or reset client connections.

export interface RouteSpec {
  /** Stable id, one route per resource (and per preview): letters, digits, `.`, `_`, `-`. */
  id: string;
  /** Hosts this route answers (no port); a host belongs to one route only. */
  hosts: string[];
  /** host:port the proxy dials (container IP on the Berth network + internal port). */
  upstream: string;
  /** Hosts (of `hosts`) that may get an on-demand certificate: the proxy's TLS ask answers yes. */
  tlsHosts?: string[];
  /** Hosts (of `hosts`) whose plain HTTP requests are redirected to HTTPS (their certificate is issued). */
  httpsOnly?: string[];
  /** Redirect-from hosts (of `hosts`): every request is redirected to the named host. */
  redirects?: Record<string, string>;
  /** The edge's public HTTPS port, for redirect locations (443 when absent). */
  httpsPort?: number;
}

/** A route as the running proxy serves it (read back from the proxy, not from Berth's intent). */
export type ObservedRoute = RouteSpec;

/** The edge's HTTPS listener and where its certificates come from. */
export interface EdgeTls {
  /** Caddy listen address of the HTTPS server (`:443`, `127.0.0.5:443`). */
  listen: string;
  /** The public HTTPS port (redirect locations name it when it is not 443). */
  port: number;
  /** ACME directory URL. */
  ca: string;
  email?: string;
  /** PEM file of a private CA's root, trusted for the ACME directory only. */
  caRoot?: string;
  /** Challenge types offered to the CA. */
  challenges: ('http-01' | 'tls-alpn-01')[];
  /** Fraction of a certificate's lifetime left when the edge renews it (Caddy's default: 1/3). */
  renewalRatio?: number;
}

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
  /** The HTTPS listener, when this proxy has one. */
  tls?(): EdgeTls | undefined;
  /**
   * Certificate readiness of one domain, read from the proxy's certificate storage and its TLS
   * log; reads only.
   */
  certificate?(domain: string): Promise<CertificateObservation>;
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
