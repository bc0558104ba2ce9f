import { and, asc, eq } from 'drizzle-orm';
import type { RetentionDefault } from '../../../core/governance/retention.js';
import type { RetentionDefaultsRepo } from '../../../ports/governance-store.js';
import type { Db } from '../db.js';
import { isoRequired } from '../db.js';
import { retentionDefaults } from '../schema.js';

const toDefault = (r: typeof retentionDefaults.$inferSelect): RetentionDefault => ({
  scope: r.scope as RetentionDefault['scope'],
  category: r.category as RetentionDefault['category'],
  retentionDays: r.retentionDays,
  schedule: r.schedule as RetentionDefault['schedule'],
  updatedAt: isoRequired(r.updatedAt),
  updatedBy: r.updatedBy,
});

export function retentionDefaultsRepo(db: Db): RetentionDefaultsRepo {
  return {
    async upsert(r) {
      await db
        .insert(retentionDefaults)
        .values(r)
        .onConflictDoUpdate({ target: [retentionDefaults.scope, retentionDefaults.category], set: { retentionDays: r.retentionDays, schedule: r.schedule, updatedAt: r.updatedAt, updatedBy: r.updatedBy } });
    },
    async get(scope, category) {
      const [row] = await db.select().from(retentionDefaults).where(and(eq(retentionDefaults.scope, scope), eq(retentionDefaults.category, category)));
      return row && toDefault(row);
    },
    async list(scope) {
      const rows = await db
        .select()
        .from(retentionDefaults)
        .where(scope ? eq(retentionDefaults.scope, scope) : undefined)
        .orderBy(asc(retentionDefaults.scope), asc(retentionDefaults.category));
      return rows.map(toDefault);
    },
  };
}
