import { and, asc, count, desc, eq, gt, lt, type SQL } from 'drizzle-orm';
import { redact } from '../../../core/redaction/redact.js';
import type { ProviderJobLogsRepo, StoredProviderJobLog } from '../../../ports/governance-store.js';
import { isoRequired, type Db } from '../db.js';
import { providerJobLogs } from '../schema.js';

export function providerJobLogsRepo(db: Db): ProviderJobLogsRepo {
  return {
    async append(entries) {
      if (entries.length === 0) return;
      // Provider payloads may carry credentials: redacted on the way in, like the journal.
      await db.insert(providerJobLogs).values(
        entries.map((e) => ({
          provider: e.provider,
          jobId: e.jobId ?? null,
          deploymentId: e.deploymentId ?? null,
          resourceId: e.resourceId ?? null,
          at: e.at,
          level: e.level,
          message: e.message,
          data: redact(e.data ?? {}).value,
        })),
      );
    },
    async forDeployment(deploymentId, limit) {
      const where = eq(providerJobLogs.deploymentId, deploymentId);
      const [row] = await db.select({ n: count() }).from(providerJobLogs).where(where);
      const newest = await db.select().from(providerJobLogs).where(where).orderBy(desc(providerJobLogs.seq)).limit(limit);
      return { entries: newest.reverse().map(stored), total: Number(row?.n ?? 0) };
    },
    async after(deploymentId, cursor, limit) {
      const rows = await db.select().from(providerJobLogs).where(and(eq(providerJobLogs.deploymentId, deploymentId), gt(providerJobLogs.seq, cursor))).orderBy(asc(providerJobLogs.seq)).limit(limit);
      return rows.map(stored);
    },
    async trimJob(deploymentId, jobId, keep) {
      const job = and(eq(providerJobLogs.deploymentId, deploymentId), eq(providerJobLogs.jobId, jobId));
      const [oldestKept] = await db.select({ seq: providerJobLogs.seq }).from(providerJobLogs).where(job).orderBy(desc(providerJobLogs.seq)).offset(keep - 1).limit(1);
      if (!oldestKept) return 0;
      const deleted = await db.delete(providerJobLogs).where(and(job, lt(providerJobLogs.seq, oldestKept.seq))).returning({ seq: providerJobLogs.seq });
      return deleted.length;
    },
    async prune(before, { provider, dryRun }) {
      const conds: SQL[] = [lt(providerJobLogs.at, before)];
      if (provider !== undefined) conds.push(eq(providerJobLogs.provider, provider));
      const where = and(...conds);
      const [row] = await db.select({ n: count() }).from(providerJobLogs).where(where);
      const matched = Number(row?.n ?? 0);
      if (dryRun || matched === 0) return { matched, deleted: 0 };
      const deleted = await db.delete(providerJobLogs).where(where).returning({ seq: providerJobLogs.seq });
      return { matched, deleted: deleted.length };
    },
  };
}

function stored(r: typeof providerJobLogs.$inferSelect): StoredProviderJobLog {
  return {
    seq: r.seq,
    provider: r.provider,
    jobId: r.jobId,
    deploymentId: r.deploymentId,
    resourceId: r.resourceId,
    at: isoRequired(r.at),
    level: r.level as StoredProviderJobLog['level'],
    message: r.message,
    data: r.data as Record<string, unknown>,
  };
}
