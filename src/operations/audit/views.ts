import { z } from 'zod';
import { recordId } from '../id-input.js';
import { redact } from '../../core/redaction/redact.js';
import type { AuditRecord } from '../../ports/governance-store.js';

// What audit reads return. Payloads were redacted when appended; they are redacted again on the
// way out, so rows written before a redaction rule existed are masked too.

export const auditSummaryOut = z.object({ id: z.string(), aggregateId: z.string(), type: z.string(), createdAt: z.string() });

export const auditRowOut = z.object({
  seq: z.number(),
  id: z.string(),
  aggregateId: z.string(),
  aggregateType: z.string(),
  type: z.string(),
  actor: z.string(),
  createdAt: z.string(),
  payload: z.unknown(),
  redactedFields: z.array(z.string()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditRowView = z.infer<typeof auditRowOut>;

export function safeAuditRow(r: AuditRecord): AuditRowView {
  const again = redact(r.payload);
  return {
    seq: r.seq,
    id: r.id,
    aggregateId: r.aggregateId,
    aggregateType: r.aggregateType,
    type: r.type,
    actor: r.actor,
    createdAt: r.createdAt,
    payload: again.value,
    redactedFields: [...new Set([...r.redactedFields, ...again.redactedFields])],
    prevHash: r.prevHash,
    hash: r.hash,
  };
}

export const aggregateId = recordId;
export const isoInstant = z.iso.datetime({ offset: true });
/** ISO timestamps compare correctly only in one form: UTC with milliseconds. */
export const utc = (s: string) => new Date(s).toISOString();
