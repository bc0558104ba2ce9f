import { z } from 'zod';
import type { AuditEventType } from '../../core/audit/event-types.js';
import { newId } from '../../core/ids/ids.js';
import { trackWork } from '../../core/work/track.js';
import type { WorkKind } from '../../core/work/work-item.js';
import type { OperationContext } from '../../ports/context.js';
import { queryBool } from '../query-params.js';

// Every prune is dry-run unless `dryRun: false` is explicit, takes an explicit cutoff, and a
// destructive run is a work item plus an audit event on the category it pruned. A dry run
// writes nothing at all.

export const pruneInput = {
  before: z.iso.datetime({ offset: true }).describe('delete rows older than this ISO timestamp (required)'),
  dryRun: queryBool.optional().describe('true (default) only reports; pass false to delete'),
};

export const pruneOutBase = { before: z.string(), dryRun: z.boolean(), workId: z.string().nullable() };

export async function runPrune<R extends Record<string, unknown>>(
  ctx: OperationContext,
  x: { kind: WorkKind; category: string; auditType: AuditEventType; dryRun: boolean; details: Record<string, unknown>; run: (dryRun: boolean) => Promise<R> },
): Promise<R & { workId: string | null }> {
  if (x.dryRun) return { ...(await x.run(true)), workId: null };
  const workId = newId('work', ctx.now().getTime());
  const result = await trackWork(ctx.store.work, { id: workId, kind: x.kind, details: x.details }, () => x.run(false), { detailsOf: (r) => r, now: () => ctx.now() });
  await ctx.store.audit.append({ type: x.auditType, aggregateType: 'history', aggregateId: x.category, actor: ctx.actor, payload: { workId, ...x.details, ...result } });
  return { ...result, workId };
}
