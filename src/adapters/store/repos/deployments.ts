import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, max, or, sql, type SQL } from 'drizzle-orm';
import type { Deployment } from '../../../core/deployments/deployment.js';
import { ACTIVE_STATUSES, assertTransition, TERMINAL_STATUSES } from '../../../core/deployments/status.js';
import type { DeploymentReference, DeploymentsRepo } from '../../../ports/store.js';
import type { Db } from '../db.js';
import { iso, isoRequired } from '../db.js';
import { deploymentEvents, deployments, providerJobLogs, workItems } from '../schema.js';

type Row = typeof deployments.$inferSelect;

const toDeployment = (r: Row): Deployment => ({
  id: r.id,
  resourceId: r.resourceId,
  projectId: r.projectId,
  environmentId: r.environmentId,
  serverId: r.serverId,
  trigger: r.trigger as Deployment['trigger'],
  status: r.status as Deployment['status'],
  currentPhase: r.currentPhase as Deployment['currentPhase'],
  preview: r.previewType && r.previewId ? { type: r.previewType, id: r.previewId } : null,
  snapshot: r.snapshot as Deployment['snapshot'],
  sourceSummary: (r.sourceSummary ?? null) as Deployment['sourceSummary'],
  plan: (r.plan ?? null) as Deployment['plan'],
  artifact: (r.artifact ?? null) as Deployment['artifact'],
  runtime: (r.runtime ?? null) as Deployment['runtime'],
  accessUrl: r.accessUrl,
  error: (r.error ?? null) as Deployment['error'],
  recoveryHint: r.recoveryHint,
  heartbeatAt: iso(r.heartbeatAt),
  owner: r.owner,
  eventsPrunedThrough: r.eventsPrunedThrough,
  createdAt: isoRequired(r.createdAt),
  startedAt: iso(r.startedAt),
  finishedAt: iso(r.finishedAt),
  archivedAt: iso(r.archivedAt),
  sourceDeploymentId: r.sourceDeploymentId,
});

function toRow(d: Partial<Deployment>): Partial<Row> {
  const { preview, ...rest } = d;
  const row: Partial<Row> = { ...(rest as Partial<Row>) };
  if (preview !== undefined) {
    row.previewType = preview?.type ?? null;
    row.previewId = preview?.id ?? null;
  }
  return row;
}

/** One resource's production attempts (`null`) or one preview's. */
const previewKey = (preview: { type: string; id: string } | null): SQL =>
  preview ? and(eq(deployments.previewType, preview.type), eq(deployments.previewId, preview.id))! : isNull(deployments.previewType);

/** Succeeded with a runtime that was never retired (the serving rule's facts, as stored). */
const LIVE = sql`${deployments.status} = 'succeeded' AND jsonb_typeof(${deployments.runtime}) = 'object' AND ${deployments.runtime}->>'retiredAt' IS NULL`;

export function deploymentsRepo(db: Db): DeploymentsRepo {
  return {
    async create(d) {
      await db.insert(deployments).values(toRow(d) as Row);
    },
    async get(id) {
      const [row] = await db.select().from(deployments).where(eq(deployments.id, id));
      return row && toDeployment(row);
    },
    async update(id, changes) {
      await db.update(deployments).set(toRow(changes)).where(eq(deployments.id, id));
    },
    async transition(id, from, changes) {
      // The lifecycle is enforced where status changes: an illegal pair raises, nothing is written.
      assertTransition(from, changes.status);
      const rows = await db
        .update(deployments)
        .set(toRow(changes))
        .where(and(eq(deployments.id, id), inArray(deployments.status, [...from])))
        .returning({ id: deployments.id });
      return rows.length === 1;
    },
    async list(filter) {
      const conds: SQL[] = [];
      if (filter.resourceId) conds.push(eq(deployments.resourceId, filter.resourceId));
      if (filter.status) conds.push(inArray(deployments.status, [...filter.status]));
      if (!filter.includeArchived) conds.push(isNull(deployments.archivedAt));
      if (filter.preview !== undefined) conds.push(previewKey(filter.preview));
      const rows = await db
        .select()
        .from(deployments)
        .where(and(...conds))
        .orderBy(desc(deployments.createdAt), desc(deployments.id))
        .limit(filter.limit ?? 100);
      return rows.map(toDeployment);
    },
    async live(resourceId, preview) {
      // The predicate is spelled as the partial index deployments_live spells it (0009), in
      // literals, so the planner can use that index.
      const rows = await db
        .select()
        .from(deployments)
        .where(and(eq(deployments.resourceId, resourceId), previewKey(preview), LIVE))
        .orderBy(desc(deployments.createdAt), desc(deployments.id));
      return rows.map(toDeployment);
    },
    async warmExpired(at) {
      // LIVE as the partial index deployments_live spells it: the scan stays within live attempts.
      const rows = await db
        .select()
        .from(deployments)
        .where(and(LIVE, sql`${deployments.runtime}->>'warmUntil' IS NOT NULL`, sql`${deployments.runtime}->>'warmUntil' <= ${at}`))
        .orderBy(sql`${deployments.runtime}->>'warmUntil'`);
      return rows.map(toDeployment);
    },
    async releaseRuntime(id, runtime) {
      const rows = await db
        .update(deployments)
        .set({ runtime })
        .where(and(eq(deployments.id, id), sql`jsonb_typeof(${deployments.runtime}) = 'object' AND ${deployments.runtime}->>'retiredAt' IS NULL`))
        .returning({ id: deployments.id });
      return rows.length === 1;
    },
    async stale(cutoff) {
      const rows = await db
        .select()
        .from(deployments)
        .where(
          and(
            inArray(deployments.status, [...ACTIVE_STATUSES]),
            or(lt(deployments.heartbeatAt, cutoff), and(isNull(deployments.heartbeatAt), lt(deployments.createdAt, cutoff))),
          ),
        )
        .orderBy(asc(deployments.createdAt));
      return rows.map(toDeployment);
    },
    async heartbeat(id, at) {
      // Only an active attempt beats: a beat still in flight when the attempt ended changes nothing.
      await db.update(deployments).set({ heartbeatAt: at }).where(and(eq(deployments.id, id), inArray(deployments.status, [...ACTIVE_STATUSES])));
    },
    async archive(id, at) {
      const rows = await db
        .update(deployments)
        .set({ archivedAt: at })
        .where(and(eq(deployments.id, id), inArray(deployments.status, [...TERMINAL_STATUSES]), isNull(deployments.archivedAt)))
        .returning({ id: deployments.id });
      return rows.length === 1;
    },
    async archivedBefore(cutoff, limit) {
      const ended = sql`coalesce(${deployments.finishedAt}, ${deployments.createdAt})`;
      const rows = await db
        .select()
        .from(deployments)
        .where(and(isNotNull(deployments.archivedAt), inArray(deployments.status, [...TERMINAL_STATUSES]), sql`${ended} < ${cutoff}`))
        .orderBy(asc(ended), asc(deployments.id))
        .limit(limit);
      return rows.map(toDeployment);
    },
    async references(ids) {
      if (ids.length === 0) return [];
      const list = [...ids];
      const attempts = await db.select({ id: deployments.id, to: deployments.sourceDeploymentId }).from(deployments).where(inArray(deployments.sourceDeploymentId, list));
      // One reference per attempt for its log rows, however many there are.
      const logs = await db.selectDistinct({ id: sql<string>`'provider_job_logs'`, to: providerJobLogs.deploymentId }).from(providerJobLogs).where(inArray(providerJobLogs.deploymentId, list));
      const work = await db.select({ id: workItems.id, to: workItems.deploymentId }).from(workItems).where(inArray(workItems.deploymentId, list));
      const out: DeploymentReference[] = [];
      for (const [by, rows] of [['attempt', attempts], ['provider-log', logs], ['work-item', work]] as const) {
        for (const r of rows) out.push({ deploymentId: r.to!, by, referrerId: r.id });
      }
      return out;
    },
    async lastChangeAt(resourceId, preview) {
      const key = previewKey(preview);
      const [created] = await db.select({ at: max(deployments.createdAt) }).from(deployments).where(and(eq(deployments.resourceId, resourceId), key));
      const [status] = await db
        .select({ at: max(deploymentEvents.at) })
        .from(deploymentEvents)
        .innerJoin(deployments, eq(deploymentEvents.deploymentId, deployments.id))
        .where(and(eq(deployments.resourceId, resourceId), key, eq(deploymentEvents.kind, 'status')));
      const times = [iso(created?.at ?? null), iso(status?.at ?? null)].filter((t): t is string => t !== null);
      return times.length === 0 ? null : times.reduce((a, b) => (a >= b ? a : b));
    },
    async remove(ids) {
      if (ids.length === 0) return 0;
      await db.delete(deploymentEvents).where(inArray(deploymentEvents.deploymentId, [...ids]));
      const rows = await db.delete(deployments).where(inArray(deployments.id, [...ids])).returning({ id: deployments.id });
      return rows.length;
    },
  };
}
