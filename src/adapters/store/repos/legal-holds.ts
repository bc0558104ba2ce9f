import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { LegalHold } from '../../../core/governance/legal-hold.js';
import type { LegalHoldsRepo } from '../../../ports/governance-store.js';
import type { Db } from '../db.js';
import { iso, isoRequired } from '../db.js';
import { legalHolds } from '../schema.js';

const toHold = (r: typeof legalHolds.$inferSelect): LegalHold => ({
  id: r.id,
  aggregateId: r.aggregateId,
  reason: r.reason,
  status: r.status as LegalHold['status'],
  createdAt: isoRequired(r.createdAt),
  createdBy: r.createdBy,
  releasedAt: iso(r.releasedAt),
  releasedBy: r.releasedBy,
  releaseReason: r.releaseReason,
});

export function legalHoldsRepo(db: Db): LegalHoldsRepo {
  return {
    async create(h) {
      await db.insert(legalHolds).values(h);
    },
    async get(id) {
      const [row] = await db.select().from(legalHolds).where(eq(legalHolds.id, id));
      return row && toHold(row);
    },
    async list(filter) {
      const conds: SQL[] = [];
      if (filter.status) conds.push(eq(legalHolds.status, filter.status));
      if (filter.aggregateId) conds.push(eq(legalHolds.aggregateId, filter.aggregateId));
      const rows = await db.select().from(legalHolds).where(and(...conds)).orderBy(asc(legalHolds.createdAt), asc(legalHolds.id));
      return rows.map(toHold);
    },
    async release(id, x) {
      await db
        .update(legalHolds)
        .set({ status: 'released', releasedAt: x.at, releasedBy: x.by, releaseReason: x.reason })
        .where(and(eq(legalHolds.id, id), eq(legalHolds.status, 'active')));
    },
  };
}
