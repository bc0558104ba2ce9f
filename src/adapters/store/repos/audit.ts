import { asc, desc, eq, sql } from 'drizzle-orm';
import { chainHash, GENESIS_HASH } from '../../../core/audit/chain.js';
import { newId } from '../../../core/ids/ids.js';
import { redact } from '../../../core/redaction/redact.js';
import type { AuditRepo } from '../../../ports/store.js';
import type { Db } from '../db.js';
import { isoRequired } from '../db.js';
import { auditEvents } from '../schema.js';

/** Advisory lock id that serialises appends so the hash chain has one order. */
export const AUDIT_CHAIN_LOCK = 7420002;

export function auditRepo(db: Db): AuditRepo {
  return {
    async append(e) {
      // Redaction happens here, at the only write path, so no caller can forget it.
      // JSON round trip first: the hash must cover exactly what jsonb gives back on verify.
      const { value: payload, redactedFields } = redact(JSON.parse(JSON.stringify(e.payload)) as object);
      const id = newId('audit');
      const createdAt = new Date().toISOString();
      const actor = `${e.actor.kind}:${e.actor.id}`;
      await db.transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
        const [last] = await tx.select({ hash: auditEvents.hash }).from(auditEvents).orderBy(desc(auditEvents.seq)).limit(1);
        const prevHash = last?.hash ?? GENESIS_HASH;
        const content = { id, aggregateType: e.aggregateType, aggregateId: e.aggregateId, type: e.type, actor, createdAt, payload, redactedFields };
        await tx.insert(auditEvents).values({ ...content, prevHash, hash: chainHash(prevHash, content) });
      });
      return id;
    },
    async list(aggregateId) {
      const rows = await db
        .select({ id: auditEvents.id, aggregateId: auditEvents.aggregateId, type: auditEvents.type, createdAt: auditEvents.createdAt })
        .from(auditEvents)
        .where(eq(auditEvents.aggregateId, aggregateId))
        .orderBy(asc(auditEvents.seq));
      return rows.map((r) => ({ ...r, createdAt: isoRequired(r.createdAt) }));
    },
  };
}
