import { and, asc, count, eq, gt, inArray, lt, not, sql } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../../../core/deployments/status.js';
import type { JournalEvent } from '../../../core/deployments/deployment.js';
import { redact } from '../../../core/redaction/redact.js';
import type { JournalRepo } from '../../../ports/store.js';
import type { Db } from '../db.js';
import { isoRequired } from '../db.js';
import { deploymentEvents, deployments } from '../schema.js';

const toEvent = (r: typeof deploymentEvents.$inferSelect): JournalEvent => ({
  seq: r.seq,
  deploymentId: r.deploymentId,
  at: isoRequired(r.at),
  kind: r.kind as JournalEvent['kind'],
  phase: r.phase as JournalEvent['phase'],
  data: r.data as Record<string, unknown>,
});

export function journalRepo(db: Db): JournalRepo {
  return {
    async append(deploymentId, e) {
      // Journal data is shown on every surface: it is redacted on the way in.
      const data = redact(e.data).value;
      const [row] = await db.insert(deploymentEvents).values({ deploymentId, at: e.at, kind: e.kind, phase: e.phase, data }).returning();
      return toEvent(row!);
    },
    async after(deploymentId, after, limit) {
      const rows = await db
        .select()
        .from(deploymentEvents)
        .where(and(eq(deploymentEvents.deploymentId, deploymentId), gt(deploymentEvents.seq, after)))
        .orderBy(asc(deploymentEvents.seq))
        .limit(limit);
      return rows.map(toEvent);
    },
    async pruneBefore(cutoff, { dryRun }) {
      // Rows of active attempts are recovery evidence (and what a live stream still reads).
      const old = lt(deploymentEvents.at, cutoff);
      const ofActive = inArray(deploymentEvents.deploymentId, db.select({ id: deployments.id }).from(deployments).where(inArray(deployments.status, [...ACTIVE_STATUSES])));
      const where = and(old, not(ofActive));
      const [skipped] = await db.select({ n: count() }).from(deploymentEvents).where(and(old, ofActive));
      const skippedActive = Number(skipped?.n ?? 0);
      if (dryRun) {
        const [row] = await db.select({ n: count() }).from(deploymentEvents).where(where);
        return { deleted: Number(row?.n ?? 0), skippedActive };
      }
      return db.transaction(async (tx) => {
        const marks = await tx
          .select({ id: deploymentEvents.deploymentId, max: sql<number>`max(${deploymentEvents.seq})`.mapWith(Number) })
          .from(deploymentEvents)
          .where(where)
          .groupBy(deploymentEvents.deploymentId);
        for (const m of marks) {
          await tx.update(deployments).set({ eventsPrunedThrough: sql`greatest(${deployments.eventsPrunedThrough}, ${m.max})` }).where(eq(deployments.id, m.id));
        }
        const deleted = await tx.delete(deploymentEvents).where(where).returning({ seq: deploymentEvents.seq });
        return { deleted: deleted.length, skippedActive };
      });
    },
    async countFor(deploymentIds) {
      if (deploymentIds.length === 0) return 0;
      const [row] = await db.select({ n: count() }).from(deploymentEvents).where(inArray(deploymentEvents.deploymentId, [...deploymentIds]));
      return Number(row?.n ?? 0);
    },
    async count() {
      const [row] = await db.select({ n: count() }).from(deploymentEvents);
      return Number(row?.n ?? 0);
    },
  };
}
