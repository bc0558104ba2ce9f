import { BerthError } from '../../core/errors/berth-error.js';
import { certificateHeld, wantsCertificate, type CertificateObservation, type DomainRecord } from '../../core/domains/domain.js';
import { dialHost } from '../../core/access/listen-host.js';
import { sleep } from '../../core/time/delay.js';
import type { TlsProbeAnswer } from '../../ports/http-prober.js';
import type { Attempt, RunnerDeps } from './attempt.js';
import { resourceRoute } from '../domains/domain-route.js';
import { certFailed, recordCertificate, recordCertificateWork } from '../domains/record-certificate.js';

// After the generated URL answered (the 002 recovery order: generated access first, then
// DNS/TLS), each TLS domain of the resource is verified over HTTPS as a client reaches it: the
// first handshake makes the edge obtain its certificate on demand, and the answer must come with
// a chain the configured CA vouches for and the domain's name. A certificate still pending when
// the retry budget runs out is a warning (the attempt succeeds on HTTP); a failing CA is
// cert_failed on the domain's certificate work item, never a failed deploy: the HTTP route keeps
// serving. A certificate that is served but not trusted or for another name fails the attempt.

/** Node's codes for a chain or name the client refuses. */
const UNTRUSTED = /^(CERT_|ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT)/;

export async function verifyDomains(deps: RunnerDeps, a: Attempt, route: { id: string; host: string; upstream: string }, signal: AbortSignal): Promise<void> {
  if (a.d.preview) return;
  const ctx = a.ctx!;
  const domains = await deps.store.domains.list({ resourceId: a.d.resourceId });
  const tls = ctx.target.proxy.tls?.();
  const https = ctx.target.httpsProber;
  const wanted = domains.filter(wantsCertificate);
  if (!wanted.length) return;
  if (!tls || !https || !ctx.target.proxy.certificate) {
    await a.journal.event('step', 'verify', { step: 'certificate', outcome: 'https-off', warning: true, domains: wanted.map((d) => d.name) });
    return;
  }
  // At the address the HTTPS listener names, else where the target's edge answers clients (an
  // SSH server's address, as the generated URL's check reaches it).
  const address = dialHost(tls.listen, ctx.target.edgeHost);
  let issuedNow = false;
  for (const domain of wanted) {
    const before = domain.certSeen?.state;
    const proxy = ctx.target.proxy;
    const { answer, observed } = await untilCertificate(deps, domain, tls.ca, signal, {
      get: () => https.getTls({ address, port: tls.port, servername: domain.name, path: a.plan!.health.path, ca: deps.settings.acmeTrust, timeoutMs: 10_000 }),
      observe: () => proxy.certificate!(domain.name),
    });
    const url = `https://${domain.name}${tls.port === 443 ? '' : `:${tls.port}`}`;
    const ok = answer.kind === 'response' && certificateHeld(observed);
    const error = ok || observed.state !== 'failed' ? undefined : certFailed(domain.name, observed, tls.ca);
    await recordCertificateWork(deps.store, { resourceId: a.d.resourceId, serverId: a.d.serverId, deploymentId: a.id, phase: 'verify' }, domain, observed, tls.ca, error);
    if (answer.kind === 'error' && UNTRUSTED.test(answer.code) && certificateHeld(observed)) {
      throw new BerthError('certificate_invalid', 'The HTTPS URL answers with a certificate the configured CA does not vouch for.', { domain: domain.name, url, reason: answer.code });
    }
    if (ok && before !== 'issued' && before !== 'renewing') issuedNow = true;
    await a.journal.event('step', 'verify', {
      step: 'certificate',
      domain: domain.name,
      url,
      readiness: observed.state,
      certificateId: observed.certificateId ?? null,
      notAfter: observed.notAfter ?? null,
      ...(ok ? {} : { warning: true, ...(error ? { error: error.toObject() } : {}) }),
    });
  }
  // HTTP to HTTPS once a certificate is issued: the route now redirects those domains.
  if (issuedNow) {
    await ctx.target.proxy.applyRoute(await resourceRoute(deps.store, { ...route, resourceId: a.d.resourceId, preview: null }, ctx.target.proxy));
    await a.journal.event('step', 'verify', { step: 'https-redirect', routeId: route.id });
  }
}

/** Handshakes (which start the on-demand issue) until a certificate is served or the budget is spent. */
async function untilCertificate(
  deps: RunnerDeps,
  domain: DomainRecord,
  ca: string,
  signal: AbortSignal,
  io: { get: () => Promise<TlsProbeAnswer>; observe: () => Promise<CertificateObservation> },
): Promise<{ answer: TlsProbeAnswer; observed: CertificateObservation }> {
  const deadline = Date.now() + deps.settings.certRetrySeconds * 1000;
  for (;;) {
    const answer = await io.get();
    const observed = await io.observe();
    await recordCertificate(deps.store, domain, observed, ca);
    if (certificateHeld(observed) && (answer.kind === 'response' || UNTRUSTED.test(answer.code))) return { answer, observed };
    if (Date.now() >= deadline) return { answer, observed };
    await sleep(1_000, signal);
  }
}
