import type { AuditEventType } from '../../core/audit/event-types.js';
import type { CertificateObservation, DomainRecord } from '../../core/domains/domain.js';
import { BerthError } from '../../core/errors/berth-error.js';
import { newId } from '../../core/ids/ids.js';
import type { Actor } from '../../core/model/records.js';
import type { Store } from '../../ports/store.js';

// The one place a certificate observation becomes history: the domain's last-seen readiness is
// replaced by compare-and-set, and only the writer that replaced it appends the audit event, so
// the deploy's verify and the background observer never write the same change twice.

const SYSTEM: Actor = { kind: 'system', id: 'berth' };

/** What changed between two observations, as an audit type (renewing and pending are not events). */
export function certificateEvent(before: CertificateObservation | null, after: CertificateObservation): AuditEventType | undefined {
  if (after.state === 'issued' && before?.certificateId !== after.certificateId) return before?.certificateId ? 'certificate.renewed' : 'certificate.issued';
  if (after.state === 'failed' && before?.state !== 'failed') return 'certificate.failed';
  return undefined;
}

/** Only the fields that make a change: readiness, certificate, failure. */
const essence = (o: CertificateObservation): CertificateObservation => ({
  state: o.state,
  ...(o.certificateId ? { certificateId: o.certificateId } : {}),
  ...(o.notAfter ? { notAfter: o.notAfter } : {}),
  ...(o.reason ? { reason: o.reason } : {}),
  ...(o.state === 'failed' && o.at ? { at: o.at } : {}),
});

/** Records the observation when it differs from the last one; returns the audit type written. */
export async function recordCertificate(store: Store, domain: DomainRecord, observed: CertificateObservation, ca: string, actor: Actor = SYSTEM): Promise<AuditEventType | undefined> {
  const seen = essence(observed);
  if (domain.certSeen && JSON.stringify(essence(domain.certSeen)) === JSON.stringify(seen)) return undefined;
  const type = certificateEvent(domain.certSeen, seen);
  // Keep the certificate id through a failed renewal: the next issue is then a renewal.
  const kept = seen.state !== 'issued' && !seen.certificateId && domain.certSeen?.certificateId ? { ...seen, certificateId: domain.certSeen.certificateId } : seen;
  return store.transaction(async (tx) => {
    if (!(await tx.domains.setCertSeen(domain.id, domain.certSeen, kept))) return undefined;
    domain.certSeen = kept;
    if (!type) return undefined;
    await tx.audit.append({
      type,
      aggregateType: 'resource',
      aggregateId: domain.resourceId,
      actor,
      payload: { domain: domain.name, ca, state: seen.state, certificateId: seen.certificateId ?? kept.certificateId ?? null, notAfter: seen.notAfter ?? null, reason: seen.reason ?? null },
    });
    return type;
  });
}

/** cert_failed for a domain whose last ACME attempt failed, with the CA and its reason. */
export function certFailed(domain: string, observed: CertificateObservation, ca: string): BerthError {
  return new BerthError('cert_failed', 'The CA did not issue a certificate for the domain.', { domain, ca, reason: observed.reason ?? 'rejected', error: observed.error ?? null });
}

/** Where a certificate work item belongs: a resource on a server, and the attempt when a deploy's verify saw it. */
export interface CertificateWorkPlace {
  resourceId: string;
  serverId: string;
  deploymentId: string | null;
  phase: 'verify' | null;
}

/** The `certificate` work item of one observation: failed with its error, or succeeded. */
export async function recordCertificateWork(
  store: Store,
  at: CertificateWorkPlace,
  domain: DomainRecord,
  observed: CertificateObservation,
  ca: string,
  error: BerthError | undefined,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const now = new Date().toISOString();
  await store.work.record({
    id: newId('work'),
    kind: 'certificate',
    status: error ? 'failed' : 'succeeded',
    phase: at.phase,
    resourceId: at.resourceId,
    serverId: at.serverId,
    deploymentId: at.deploymentId,
    certificateId: observed.certificateId ?? domain.certSeen?.certificateId ?? newId('certificate'),
    error: error ? error.toObject() : null,
    details: { domain: domain.name, ca, readiness: observed.state, notAfter: observed.notAfter ?? null, ...extra },
    createdAt: now,
    updatedAt: now,
    finishedAt: now,
  });
}
