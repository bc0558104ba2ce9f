import { and, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { ErrorObject } from '../../../core/errors/types.js';
import type { WorkRecord } from '../../../core/work/work-item.js';
import type { WorkRepo } from '../../../ports/governance-store.js';
import type { Db } from '../db.js';
import { iso, isoRequired } from '../db.js';
import { workItems } from '../schema.js';

const toRecord = (r: typeof workItems.$inferSelect): WorkRecord => ({
  id: r.id,
  kind: r.kind as WorkRecord['kind'],
  status: r.status as WorkRecord['status'],
  phase: r.phase,
  resourceId: r.resourceId,
  serverId: r.serverId,
  deploymentId: r.deploymentId,
  certificateId: r.certificateId,
  error: (r.error ?? null) as ErrorObject | null,
  details: r.details as Record<string, unknown>,
  createdAt: isoRequired(r.createdAt),
  updatedAt: isoRequired(r.updatedAt),
  finishedAt: iso(r.finishedAt),
});

export function workRepo(db: Db): WorkRepo {
  return {
    async record(item) {
      const { id, createdAt, ...changes } = item;
      await db.insert(workItems).values({ id, createdAt, ...changes }).onConflictDoUpdate({ target: workItems.id, set: changes });
    },
    async get(id) {
      const [row] = await db.select().from(workItems).where(eq(workItems.id, id));
      return row && toRecord(row);
    },
    async list(filter) {
      const conds: SQL[] = [];
      if (filter.kind) conds.push(eq(workItems.kind, filter.kind));
      if (filter.status) conds.push(inArray(workItems.status, [...filter.status]));
      if (filter.resourceId) conds.push(eq(workItems.resourceId, filter.resourceId));
      if (filter.serverId) conds.push(eq(workItems.serverId, filter.serverId));
      const rows = await db
        .select()
        .from(workItems)
        .where(and(...conds))
        .orderBy(desc(workItems.createdAt), desc(workItems.id))
        .limit(filter.limit);
      return rows.map(toRecord);
    },
  };
}
