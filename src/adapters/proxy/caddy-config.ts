import type { EdgeTls, ObservedRoute, RouteSpec } from '../../ports/edge-proxy.js';

// Caddy JSON for the two instances. Pure: no I/O, so what Berth asks of Caddy is readable here.
// EDGE faces clients and never changes on deploys; SWITCH holds one route per resource and is
// the only config a deploy touches (a Caddy config change is a full reload, which closes idle
// client keep-alive connections: only the switch, which has none, may reload).
//
// The switch listens on a unix socket, not a loopback port: on Linux, Caddy 2.6 binds a new
// SO_REUSEPORT socket per config and closes the old one, resetting connections still queued in
// its accept backlog (measured: POSTs answered 502 in 3 of 5 switch-under-load runs). A unix
// listener is dup()ed across reloads, so its queue survives. It also needs no port, and only
// Berth's user can reach it (<home>/proxy is 0700).

/** @id of the switch's subroute holding the resource routes (the 404 fallback stays after it). */
export const ROUTES_ID = 'berth-routes';

export interface EdgeConfigInput {
  adminSocket: string;
  httpPort: number;
  switchSocket: string;
  /** How long the edge retries dialling the switch (covers a switch restart). */
  switchRetryMs: number;
  /** The HTTPS listener with on-demand certificates; absent: HTTP only. */
  tls?: EdgeTls;
  /** JSON log of Caddy's TLS loggers (obtain, renew, errors): certificate readiness reads it. */
  tlsLog?: string;
  /**
   * Caddy's storage root (certificates, ACME account), when the process environment does not
   * place it: a server's edge runs in a container, whose own filesystem a recreate discards.
   */
  storage?: string;
}

export interface SwitchConfigInput {
  adminSocket: string;
  switchSocket: string;
  /** grace_period: how long a replaced config waits for its in-flight requests. */
  drainMs: number;
  routes: RouteSpec[];
}

// Caddy logs to stderr (redirected to <home>/proxy/<name>.log): warnings and errors only.
const quietLogs = { logs: { default: { level: 'WARN' } } };

// persist:false: Berth's routes file, not Caddy's autosave, is what a restart loads.
const admin = (socket: string) => ({ listen: `unix/${socket}`, config: { persist: false } });

/** Where the switch answers the edge's on-demand TLS question (see caddyRoute). */
export const TLS_ASK_PATH = '/.berth/tls-ask';

export function edgeConfig(input: EdgeConfigInput): Record<string, unknown> {
  const toSwitch = [
    {
      handle: [
        {
          handler: 'reverse_proxy',
          upstreams: [{ dial: `unix/${input.switchSocket}` }],
          // No idle edge->switch connections: a reload closes idle ones, and a POST sent on
          // one at that moment is answered 502 (measured; a GET would be retried).
          transport: { protocol: 'http', keep_alive: { enabled: false } },
          // Dial failures (switch restarting) are retried instead of answered 502.
          load_balancing: { try_duration: `${input.switchRetryMs}ms`, try_interval: '50ms' },
        },
      ],
    },
  ];
  const servers: Record<string, unknown> = {
    edge: { listen: [`:${input.httpPort}`], automatic_https: { disable: true }, routes: toSwitch },
  };
  const apps: Record<string, unknown> = { http: { servers } };
  if (input.tls) {
    // Certificates on demand: the first TLS handshake for a name asks the switch (through this
    // edge's HTTP port) whether a route claims it, so only configured domains get one. The edge's
    // config stays the same whatever the domains are: adding one never reloads the edge.
    servers.edge_tls = { listen: [input.tls.listen], automatic_https: { disable: true }, tls_connection_policies: [{}], routes: toSwitch };
    apps.tls = {
      automation: {
        on_demand: { ask: `http://127.0.0.1:${input.httpPort}${TLS_ASK_PATH}` },
        // An on-demand certificate is renewed at the first handshake once this fraction of its
        // lifetime is left (the maintenance loop leaves them alone); the old one serves meanwhile.
        policies: [{ on_demand: true, issuers: [acmeIssuer(input.tls)], ...(input.tls.renewalRatio ? { renewal_window_ratio: input.tls.renewalRatio } : {}) }],
      },
    };
  }
  return {
    admin: admin(input.adminSocket),
    logging: input.tlsLog
      ? {
          logs: {
            default: { level: 'WARN', exclude: ['tls'] },
            tls: { level: 'INFO', include: ['tls'], writer: { output: 'file', filename: input.tlsLog, roll_size_mb: 5, roll_keep: 2 } },
          },
        }
      : quietLogs,
    ...(input.storage ? { storage: { module: 'file_system', root: input.storage } } : {}),
    apps,
  };
}

function acmeIssuer(tls: EdgeTls): Record<string, unknown> {
  return {
    module: 'acme',
    ca: tls.ca,
    ...(tls.email ? { email: tls.email } : {}),
    ...(tls.caRoot ? { trusted_roots_pem_files: [tls.caRoot] } : {}),
    challenges: {
      http: { disabled: !tls.challenges.includes('http-01') },
      'tls-alpn': { disabled: !tls.challenges.includes('tls-alpn-01') },
    },
  };
}

export function switchConfig(input: SwitchConfigInput): Record<string, unknown> {
  return {
    admin: admin(input.adminSocket),
    logging: quietLogs,
    apps: {
      http: {
        grace_period: `${input.drainMs}ms`,
        servers: {
          switch: {
            listen: [`unix/${input.switchSocket}`],
            automatic_https: { disable: true },
            routes: [
              { handle: [{ handler: 'subroute', '@id': ROUTES_ID, routes: input.routes.map(caddyRoute) }] },
              // Caddy answers an unmatched request 200 with an empty body: unknown hosts get 404.
              { handle: [{ handler: 'static_response', status_code: 404 }] },
            ],
          },
        },
      },
    },
  };
}

const UPSTREAM_IDLE = '1s';
const UPSTREAM_RETRY = '3s';
/** Methods replayed after a failure past the dial (RFC 9110 idempotent and without a body). */
export const RETRIED_METHODS = ['GET', 'HEAD', 'OPTIONS'];

const FORWARDED = ['X-Forwarded-For', 'X-Forwarded-Proto', 'X-Forwarded-Host'];

export function caddyRoute(route: RouteSpec): Record<string, unknown> {
  const proxy = {
    handler: 'reverse_proxy',
    upstreams: [{ dial: route.upstream }],
    // Idle upstream connections close after UPSTREAM_IDLE, sooner than app servers close
    // theirs (gunicorn 2 s, Node 5 s, Caddy 5 min), so the switch never sends a request on a
    // connection the app has just closed.
    transport: { protocol: 'http', keep_alive: { idle_timeout: UPSTREAM_IDLE } },
    // A request that meets a dead connection anyway is retried on a fresh one: any request
    // when the dial failed (nothing was sent), and the body-less idempotent methods when the
    // connection died after sending. A POST that may have reached the app is never replayed.
    load_balancing: { try_duration: UPSTREAM_RETRY, try_interval: '100ms', retry_match: [{ method: RETRIED_METHODS }] },
    // Caddy drops X-Forwarded-* when the client address is not an IP (a unix socket): pass
    // on the edge's, which is the only client of this socket.
    headers: { request: { set: Object.fromEntries(FORWARDED.map((h) => [h, [`{http.request.header.${h}}`]])) } },
  };
  if (!route.tlsHosts?.length && !route.httpsOnly?.length && !Object.keys(route.redirects ?? {}).length) {
    return { '@id': route.id, match: [{ host: route.hosts }], handle: [proxy], terminal: true };
  }
  const tlsHosts = route.tlsHosts ?? [];
  const httpsPort = route.httpsPort && route.httpsPort !== 443 ? `:${route.httpsPort}` : '';
  const steps: Record<string, unknown>[] = [];
  // The edge's on-demand TLS question: 200 for a name this route claims. Only the edge asks
  // (127.0.0.1 through its own HTTP port); an unclaimed name falls through to the 404 below.
  if (tlsHosts.length) steps.push({ match: [{ host: ['127.0.0.1'], path: [TLS_ASK_PATH], query: { domain: tlsHosts } }], handle: [{ handler: 'static_response', status_code: 200 }], terminal: true });
  for (const [from, to] of Object.entries(route.redirects ?? {})) {
    const scheme = route.httpsOnly?.includes(to) ? 'https' : '{http.request.header.X-Forwarded-Proto}';
    const port = scheme === 'https' ? httpsPort : '';
    steps.push({ match: [{ host: [from] }], handle: [redirect(`${scheme}://${to}${port}{http.request.uri}`)], terminal: true });
  }
  // Plain HTTP (the edge says so in X-Forwarded-Proto, which it sets itself) to HTTPS.
  if (route.httpsOnly?.length) steps.push({ match: [{ host: route.httpsOnly, header: { 'X-Forwarded-Proto': ['http'] } }], handle: [redirect(`https://{http.request.host}${httpsPort}{http.request.uri}`)], terminal: true });
  steps.push({ handle: [proxy] });
  const hosts = tlsHosts.length ? [...route.hosts, '127.0.0.1'] : route.hosts;
  return { '@id': route.id, match: [{ host: hosts }], handle: [{ handler: 'subroute', routes: steps }], terminal: true };
}

const redirect = (location: string) => ({ handler: 'static_response', status_code: 308, headers: { Location: [location] } });

/** Reads a route back from live Caddy JSON; undefined when it is not one Berth wrote. */
export function observedRoute(raw: unknown): ObservedRoute | undefined {
  type Step = { match?: { host?: unknown; path?: unknown; query?: { domain?: unknown }; header?: unknown }[]; handle?: { handler?: string; upstreams?: { dial?: unknown }[]; routes?: Step[]; headers?: { Location?: unknown } }[] };
  const r = raw as Step & { '@id'?: unknown };
  if (typeof r?.['@id'] !== 'string') return undefined;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((h): h is string => typeof h === 'string') : []);
  const matched = r.match?.[0]?.host;
  if (!Array.isArray(matched)) return undefined;
  const steps: Step[] = r.handle?.[0]?.handler === 'subroute' ? (r.handle[0].routes ?? []) : [r];
  const route: ObservedRoute = { id: r['@id'], hosts: [], upstream: '' };
  for (const step of steps) {
    const m = step.match?.[0];
    const h = step.handle?.[0];
    if (h?.handler === 'reverse_proxy' && typeof h.upstreams?.[0]?.dial === 'string') route.upstream = h.upstreams[0].dial;
    else if (m?.path && m.query) route.tlsHosts = strings(m.query.domain);
    else if (m?.header) route.httpsOnly = strings(m.host);
    else if (h?.handler === 'static_response' && m?.host) {
      const to = /:\/\/([^/:{]+)/.exec(strings(h.headers?.Location)[0] ?? '')?.[1];
      if (to) route.redirects = { ...route.redirects, [strings(m.host)[0]!]: to };
    }
  }
  if (!route.upstream) return undefined;
  const hosts = strings(matched);
  route.hosts = route.tlsHosts?.length ? hosts.filter((h) => h !== '127.0.0.1') : hosts;
  const https = steps.map((st) => strings(st.handle?.[0]?.headers?.Location)[0]).find((l) => l?.startsWith('https://'));
  const port = https && /^https:\/\/(?:\{http\.request\.host\}|[^/:{]+):(\d+)\{/.exec(https)?.[1];
  if (port) route.httpsPort = Number(port);
  return route;
}

// Ids become admin API paths (/id/<id>) and hosts go into matchers: keep both plain.
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const HOST = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/;
const UPSTREAM = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;

/** Why a route cannot be given to Caddy, or undefined when it can. */
export function invalidRoute(route: RouteSpec): string | undefined {
  if (!ID.test(route.id) || route.id === ROUTES_ID) return 'invalid route id';
  if (route.hosts.length === 0 || !route.hosts.every((h) => HOST.test(h))) return 'invalid hosts';
  if (!UPSTREAM.test(route.upstream)) return 'invalid upstream (want host:port)';
  const extra = [...(route.tlsHosts ?? []), ...(route.httpsOnly ?? []), ...Object.keys(route.redirects ?? {})];
  if (!extra.every((h) => route.hosts.includes(h))) return 'tls, https-only and redirect hosts must be hosts of the route';
  if (!Object.values(route.redirects ?? {}).every((h) => HOST.test(h))) return 'invalid redirect target';
  return undefined;
}

/** Same route as Caddy would be given it (what a change would write is what is there). */
export const sameRoute = (a: ObservedRoute, b: RouteSpec): boolean => sameConfig(caddyRoute(a), caddyRoute(b));

/** Deep equality of two JSON values, whatever the key order (Caddy may re-serialize). */
export function sameConfig(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameConfig(v, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => sameConfig((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}
