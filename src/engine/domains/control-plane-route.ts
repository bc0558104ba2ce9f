import type { CertificateObservation } from '../../core/domains/domain.js';
import { BerthError, fail } from '../../core/errors/berth-error.js';
import { sleep } from '../../core/time/delay.js';
import { trackWork, type WorkSink } from '../../core/work/track.js';
import type { EdgeProxy, RouteSpec } from '../../ports/edge-proxy.js';
import type { HttpsProber } from '../../ports/http-prober.js';
import type { Store } from '../../ports/store.js';
import { certificateHeld } from '../../core/domains/domain.js';
import { dialHost } from '../../core/access/listen-host.js';
import { domainRoute } from './domain-route.js';

// The control plane's public URL served through its local edge (`berth serve --public-url`
// without a TLS pair of its own): one route from the public host to the API's loopback listener,
// with the rule of a resource's TLS domain (the edge's TLS ask says yes for the host, Caddy gets
// its certificate by ACME on the first handshake), except that plain HTTP is always redirected.
// The host belongs to the control plane: no resource may have it as a domain.

/**
 * Reserved: a resource's route is `berth-<resource id>` (ids start `res_`), so this one is never
 * taken for a resource's or an orphan. It stays in the routes file across restarts.
 */
export const CONTROL_PLANE_ROUTE_ID = 'berth-control-plane';

export interface PublicEdge {
  /** The public URL's host (a DNS name). */
  host: string;
  /** The API's own listener, host:port, as the switch dials it. */
  upstream: string;
}

export interface PublicEdgeDeps {
  proxy: EdgeProxy;
  https?: HttpsProber;
  /** Where the edge's HTTPS listener is reached from this machine. */
  edgeHost: string;
  /** PEM roots of the ACME CA (the handshake only starts the issue; its verdict is not needed). */
  ca?: string;
}

/** domain_conflict when a resource already has the public host as a domain (before anything is routed). */
export async function claimPublicHost(store: Store, host: string): Promise<void> {
  const owner = await store.domains.getByName(host);
  if (owner) throw new BerthError('domain_conflict', "The public URL's host is a domain of a resource.", { domain: host, ownerResourceId: owner.resourceId, owner: 'resource' }, 'startup');
}

/** Refuses a resource domain that is the control plane's public host. */
export function refusePublicHost(names: string[], publicHost: string | undefined, resourceId: string): void {
  const taken = publicHost ? names.find((n) => n === publicHost) : undefined;
  if (taken) fail('domain_conflict', "This domain is the control plane's public URL.", { domain: taken, resourceId, owner: 'control-plane' });
}

/**
 * The route. Unlike a resource's domain, the host's plain HTTP is redirected to HTTPS even before
 * a certificate is held: requests to the API carry bearer tokens, which must never cross the
 * network in clear (the ACME HTTP challenge is answered by the edge before any route). So the
 * route does not change when the certificate comes.
 */
export function publicRoute(edge: PublicEdge, proxy: EdgeProxy): RouteSpec {
  const route = domainRoute({ id: CONTROL_PLANE_ROUTE_ID, upstream: edge.upstream }, [{ name: edge.host, tls: 'auto', redirectTo: null, certSeen: null }], proxy);
  return route.tlsHosts ? { ...route, httpsOnly: route.tlsHosts } : route;
}

/**
 * Applies the route (idempotent: a restart that finds it unchanged changes nothing), then, until
 * a certificate is held or `waitSeconds` pass, makes HTTPS handshakes for the host at the edge,
 * which start its on-demand issue. Returns the readiness last observed.
 */
export async function servePublicEdge(deps: PublicEdgeDeps, edge: PublicEdge, waitSeconds: number, signal?: AbortSignal): Promise<CertificateObservation | undefined> {
  const { proxy } = deps;
  const observe = async () => (proxy.certificate ? proxy.certificate(edge.host) : undefined);
  await proxy.applyRoute(publicRoute(edge, proxy));
  let observed = await observe();
  const tls = proxy.tls?.();
  if (!tls || !deps.https || certificateHeld(observed)) return observed;
  const address = dialHost(tls.listen, deps.edgeHost);
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    await deps.https.getTls({ address, port: tls.port, servername: edge.host, path: '/api/health', ...(deps.ca ? { ca: deps.ca } : {}), timeoutMs: 10_000 });
    observed = await observe();
    if (certificateHeld(observed) || Date.now() >= deadline) return observed;
    // Stopped (the control plane closes): the route stays as applied.
    await sleep(1_000, signal).catch(() => undefined);
    if (signal?.aborted) return observed;
  }
}

/** A route left by an earlier start with --public-url, removed when this one serves none (reads only otherwise). */
export async function dropPublicRoute(proxy: EdgeProxy): Promise<boolean> {
  const left = await proxy.getRoute(CONTROL_PLANE_ROUTE_ID).catch(() => undefined);
  if (!left) return false;
  await proxy.removeRoute(CONTROL_PLANE_ROUTE_ID);
  return true;
}

export interface PublicEdgeRun extends PublicEdgeDeps {
  work: WorkSink;
  serverId: string;
  log: (msg: string, err?: unknown) => void;
}

/**
 * Serves the public URL from the start (a `proxy-bootstrap` work item: the edge is started with
 * it). Until its certificate is held, another pass every `everyMs` makes a handshake, which
 * (re)starts the issue (and applies the route, when the first pass could not). The returned stop ends the passes
 * and waits for the one in flight.
 */
export function startPublicEdge(run: PublicEdgeRun, edge: PublicEdge, timing: { waitSeconds: number; everyMs: number }): () => Promise<void> {
  const stopped = new AbortController();
  let timer: ReturnType<typeof setInterval> | undefined;
  const failed = (err: unknown) => {
    if (!stopped.signal.aborted) run.log('public URL route failed', err);
  };
  const spec = { kind: 'proxy-bootstrap' as const, serverId: run.serverId, details: { routeId: CONTROL_PLANE_ROUTE_ID, host: edge.host } };
  const again = () => {
    if (pass || stopped.signal.aborted) return;
    pass = servePublicEdge(run, edge, 0, stopped.signal)
      .then((now) => {
        if (certificateHeld(now)) clearInterval(timer);
      })
      .catch(failed)
      .finally(() => (pass = undefined));
  };
  // A first pass that failed (the edge could not start) is tried again the same way.
  let pass: Promise<unknown> | undefined = trackWork(run.work, spec, () => servePublicEdge(run, edge, timing.waitSeconds, stopped.signal), { detailsOf: (seen) => ({ certificate: seen?.state ?? null }) })
    .catch((err: unknown) => {
      failed(err);
      return undefined;
    })
    .then((seen) => {
      if (certificateHeld(seen) || stopped.signal.aborted) return;
      timer = setInterval(again, timing.everyMs);
      timer.unref();
    })
    .finally(() => (pass = undefined));
  return async () => {
    stopped.abort();
    clearInterval(timer);
    await pass;
  };
}
