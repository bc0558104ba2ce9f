import { certificateHeld, wantsCertificate, type DomainRecord } from '../../core/domains/domain.js';
import type { EdgeProxy, RouteSpec } from '../../ports/edge-proxy.js';
import type { Store } from '../../ports/store.js';
import type { Targets } from '../../ports/deploy-runtime.js';
import { routeId } from '../../core/access/generated-url.js';
import { servingDeployment } from '../deployments/serving.js';

// A resource's route with its custom domains beside the generated host. One rule for the
// deploy's route switch and the domain commands: a TLS domain may get a certificate (the edge's
// ask is answered yes), and its plain HTTP is redirected to HTTPS once a certificate is issued
// (as last observed), never before, so a pending domain keeps answering over HTTP.

/** The domains of a route as this rule reads them (a resource's rows, or the control plane's public host). */
export type RoutedDomain = Pick<DomainRecord, 'name' | 'tls' | 'redirectTo' | 'certSeen'>;

/** Whether the domain's plain HTTP redirects to HTTPS: it wants a certificate and one was last seen held. */
export const redirectsToHttps = (d: RoutedDomain): boolean => wantsCertificate(d) && certificateHeld(d.certSeen);

/** A route of the generated host (when there is one) and the domains beside it. */
export function domainRoute(base: { id: string; host?: string; upstream: string }, domains: RoutedDomain[], proxy: EdgeProxy): RouteSpec {
  const tls = proxy.tls?.();
  const hosts = [...(base.host ? [base.host] : []), ...domains.map((d) => d.name)];
  if (!tls) return { id: base.id, hosts, upstream: base.upstream };
  const tlsHosts = domains.filter(wantsCertificate).map((d) => d.name);
  const httpsOnly = domains.filter(redirectsToHttps).map((d) => d.name);
  const redirects = Object.fromEntries(domains.filter((d) => d.redirectTo).map((d) => [d.name, d.redirectTo!]));
  return {
    id: base.id,
    hosts,
    upstream: base.upstream,
    ...(tlsHosts.length ? { tlsHosts } : {}),
    ...(httpsOnly.length ? { httpsOnly } : {}),
    ...(Object.keys(redirects).length ? { redirects } : {}),
    ...(tls.port !== 443 ? { httpsPort: tls.port } : {}),
  };
}

/** The route of a resource (or of one preview, which has only its generated host) with its domains as stored now. */
export async function resourceRoute(store: Store, base: { id: string; host: string; upstream: string; resourceId: string; preview: unknown }, proxy: EdgeProxy): Promise<RouteSpec> {
  const domains = base.preview ? [] : await store.domains.list({ resourceId: base.resourceId });
  return domainRoute(base, domains, proxy);
}

/**
 * Gives the serving version of a resource its route with the domains stored now (after a domain
 * was added or removed, or its certificate came or went); false when nothing serves the resource
 * (its next deploy routes them).
 */
export async function rerouteServing(store: Store, targets: Targets, resourceId: string): Promise<boolean> {
  const serving = await servingDeployment(store, { resourceId, preview: null });
  const upstream = serving?.runtime?.routedUpstream;
  if (!serving || !upstream || !serving.accessUrl) return false;
  const server = await store.servers.get(serving.serverId);
  if (!server) return false;
  const proxy = targets.forServer(server).proxy;
  await proxy.applyRoute(await resourceRoute(store, { id: routeId(resourceId, null), host: new URL(serving.accessUrl).hostname, upstream, resourceId, preview: null }, proxy));
  return true;
}
