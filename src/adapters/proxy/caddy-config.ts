import type { ObservedRoute, RouteSpec } from '../../ports/edge-proxy.js';

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

export function edgeConfig(input: EdgeConfigInput): Record<string, unknown> {
  return {
    admin: admin(input.adminSocket),
    logging: quietLogs,
    apps: {
      http: {
        servers: {
          edge: {
            listen: [`:${input.httpPort}`],
            automatic_https: { disable: true },
            routes: [
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
            ],
          },
        },
      },
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
  return {
    '@id': route.id,
    match: [{ host: route.hosts }],
    handle: [
      {
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
      },
    ],
    terminal: true,
  };
}

/** Reads a route back from live Caddy JSON; undefined when it is not one Berth wrote. */
export function observedRoute(raw: unknown): ObservedRoute | undefined {
  const r = raw as { '@id'?: unknown; match?: { host?: unknown }[]; handle?: { handler?: string; upstreams?: { dial?: unknown }[] }[] };
  if (typeof r?.['@id'] !== 'string') return undefined;
  const hosts = r.match?.[0]?.host;
  const dial = r.handle?.find((h) => h.handler === 'reverse_proxy')?.upstreams?.[0]?.dial;
  if (!Array.isArray(hosts) || typeof dial !== 'string') return undefined;
  return { id: r['@id'], hosts: hosts.filter((h): h is string => typeof h === 'string'), upstream: dial };
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
  return undefined;
}

export const sameRoute = (a: ObservedRoute, b: RouteSpec): boolean =>
  a.id === b.id && a.upstream === b.upstream && a.hosts.length === b.hosts.length && a.hosts.every((h, i) => h === b.hosts[i]);

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
