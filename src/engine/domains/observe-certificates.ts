import type { AuditEventType } from '../../core/audit/event-types.js';
import { wantsCertificate, type DomainRecord } from '../../core/domains/domain.js';
import type { Targets } from '../../ports/deploy-runtime.js';
import type { EdgeProxy } from '../../ports/edge-proxy.js';
import type { Store } from '../../ports/store.js';
import { servingDeployment } from '../deployments/serving.js';
import { certFailed, recordCertificate, recordCertificateWork } from './record-certificate.js';
import { redirectsToHttps, rerouteServing } from './domain-route.js';

// The background half of certificate readiness. A deploy's verify observes a domain's
// certificate once; Caddy then renews it on its own (and a renewal can fail), which nobody
// would see. Each pass reads every TLS domain's readiness from the edge serving its resource
// (this machine's or an SSH server's), with the same reader verify and `resource show` use, and
// hands it to recordCertificate, which writes a change once, whoever observes it first. A change
// worth an audit event is also a `certificate` work item. A certificate that came or went outside
// a deploy re-routes the resource at once, so HTTP redirects to HTTPS from the first certificate
// (and stops when none is held), not from the next deploy.

export const DEFAULT_CERT_OBSERVE_MS = 30_000;

export interface CertificateObserverDeps {
  store: Store;
  targets: Targets;
  log: (msg: string, err?: unknown) => void;
}

export interface CertificateChange {
  domain: string;
  type: AuditEventType;
  certificateId: string | null;
}

/** One pass over the TLS domains of every served resource; returns the changes it recorded. */
export async function observeCertificates(deps: CertificateObserverDeps): Promise<CertificateChange[]> {
  const byResource = new Map<string, DomainRecord[]>();
  for (const d of (await deps.store.domains.list()).filter(wantsCertificate)) byResource.set(d.resourceId, [...(byResource.get(d.resourceId) ?? []), d]);
  const changes: CertificateChange[] = [];
  for (const [resourceId, domains] of byResource) {
    const edge = await servingEdge(deps, resourceId);
    if (!edge) continue;
    let redirectsChanged = false;
    for (const domain of domains) {
      try {
        const before = domain.certSeen?.certificateId ?? null;
        const redirectedBefore = redirectsToHttps(domain);
        const observed = await edge.proxy.certificate!(domain.name);
        const type = await recordCertificate(deps.store, domain, observed, edge.ca);
        if (redirectsToHttps(domain) !== redirectedBefore) redirectsChanged = true;
        if (!type) continue;
        const error = type === 'certificate.failed' ? certFailed(domain.name, observed, edge.ca) : undefined;
        await recordCertificateWork(deps.store, { resourceId, serverId: edge.serverId, deploymentId: null, phase: null }, domain, observed, edge.ca, error, { event: type, previousCertificateId: before });
        changes.push({ domain: domain.name, type, certificateId: observed.certificateId ?? null });
      } catch (err) {
        deps.log(`certificate observation of ${domain.name} failed`, err);
      }
    }
    if (redirectsChanged) await rerouteServing(deps.store, deps.targets, resourceId).catch((err) => deps.log(`re-routing ${resourceId} after a certificate change failed`, err));
  }
  return changes;
}

/** The edge that serves the resource now, when it can report certificates (it has HTTPS). */
async function servingEdge(deps: CertificateObserverDeps, resourceId: string): Promise<{ proxy: EdgeProxy; ca: string; serverId: string } | undefined> {
  const serving = await servingDeployment(deps.store, { resourceId, preview: null });
  const server = serving ? await deps.store.servers.get(serving.serverId) : undefined;
  if (!server) return undefined;
  let proxy: EdgeProxy;
  try {
    proxy = deps.targets.forServer(server).proxy;
  } catch {
    return undefined; // a server this control plane cannot reach: nothing to read
  }
  const tls = proxy.tls?.();
  return tls && proxy.certificate ? { proxy, ca: tls.ca, serverId: server.id } : undefined;
}

/**
 * Observes at start and then every `everyMs` (one pass at a time); the returned stop waits for
 * a pass in flight, so the store can close after it.
 */
export function startCertificateObserver(deps: CertificateObserverDeps, everyMs: number): () => Promise<void> {
  let pass: Promise<unknown> | undefined;
  const tick = () => {
    if (pass) return;
    pass = observeCertificates(deps)
      .catch((err) => deps.log('certificate observation failed', err))
      .finally(() => (pass = undefined));
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await pass;
  };
}
