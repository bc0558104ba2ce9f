import { BerthError } from '../../core/errors/berth-error.js';
import type { ObservedRoute, RouteSpec } from '../../ports/edge-proxy.js';
import type { CaddyAdmin } from './admin-client.js';
import { caddyRoute, invalidRoute, observedRoute, ROUTES_ID, sameConfig, sameRoute } from './caddy-config.js';

// How a route change reaches the switch through its admin API, whichever way the admin socket
// is reached (this host, or a server through SSH) and wherever the desired routes are kept: the
// desired state is written first, the change is made with one POST/PATCH/DELETE on /id/..., and
// the route is then read back from the switch.

/** Where the desired routes live; both calls return the previous route so a failure can put it back. */
export interface DesiredRoutes {
  upsert(route: RouteSpec): Promise<RouteSpec | undefined>;
  remove(id: string): Promise<RouteSpec | undefined>;
}

/** A config change normally takes tens of milliseconds; this only bounds a wedged Caddy. */
export const CHANGE_TIMEOUT_MS = 30_000;

export const routeFailed = (routeId: string, reason: string) =>
  new BerthError('proxy_route_failed', 'The proxy route could not be applied or observed.', { routeId, reason });

export class SwitchRoutes {
  constructor(
    private readonly admin: CaddyAdmin,
    /** proxy_unavailable naming the switch, with a reason. */
    private readonly unavailable: (reason: string) => BerthError,
  ) {}

  /** What the switch serves now, read from its admin API. */
  async live(): Promise<ObservedRoute[]> {
    const res = await this.admin.call('GET', `/id/${ROUTES_ID}/routes`);
    if (res.status === 200 && res.body == null) return [];
    if (res.status !== 200 || !Array.isArray(res.body)) throw this.unavailable(`switch config is not Berth's (${res.status})`);
    return res.body.map(observedRoute).filter((r): r is ObservedRoute => r !== undefined);
  }

  async apply(route: RouteSpec, desired: DesiredRoutes): Promise<void> {
    const invalid = invalidRoute(route);
    if (invalid) throw routeFailed(route.id, invalid);
    const live = await this.live();
    const clash = live.find((r) => r.id !== route.id && r.hosts.some((h) => route.hosts.includes(h)));
    if (clash) throw routeFailed(route.id, `host already routed by ${clash.id}`);
    // Desired state first, so a crash after Caddy took the change still restarts with it.
    const previous = await desired.upsert(route);
    try {
      const current = live.find((r) => r.id === route.id);
      if (!current) await this.change(route.id, 'POST', `/id/${ROUTES_ID}/routes`, caddyRoute(route));
      else if (!sameRoute(current, route)) await this.change(route.id, 'PATCH', `/id/${route.id}`, caddyRoute(route));
      const observed = await this.admin.call('GET', `/id/${route.id}`);
      const seen = observed.status === 200 ? observedRoute(observed.body) : undefined;
      if (!seen || !sameRoute(seen, route)) throw routeFailed(route.id, 'route not observed after apply');
    } catch (err) {
      if (previous) await desired.upsert(previous);
      else await desired.remove(route.id);
      throw err;
    }
  }

  /** Idempotent: a route the switch does not serve is only dropped from the desired state. */
  async remove(id: string, desired: DesiredRoutes): Promise<void> {
    await desired.remove(id);
    if ((await this.live()).some((r) => r.id === id)) await this.change(id, 'DELETE', `/id/${id}`);
  }

  private async change(routeId: string, method: string, path: string, body?: unknown): Promise<void> {
    // Caddy answers once the new config serves (the old one drains in the background).
    const res = await this.admin.call(method, path, body, CHANGE_TIMEOUT_MS);
    if (res.status !== 200) throw routeFailed(routeId, `caddy answered ${res.status}: ${res.error ?? ''}`);
  }
}

/**
 * Loads the desired config into an adopted Caddy only when it differs (a load is a reload, which
 * on the edge would close its clients' idle keep-alive connections).
 */
export async function reconcileConfig(admin: CaddyAdmin, desired: Record<string, unknown>, unavailable: (reason: string) => BerthError): Promise<void> {
  const live = await admin.call('GET', '/config/');
  if (live.status === 200 && sameConfig(live.body, desired)) return;
  const res = await admin.call('POST', '/load', desired, CHANGE_TIMEOUT_MS);
  if (res.status !== 200) throw unavailable(`config rejected (${res.status}): ${res.error ?? ''}`);
}
