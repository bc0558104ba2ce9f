import { z } from 'zod';
import type { AuditEventType } from '../core/audit/event-types.js';
import { newId } from '../core/ids/ids.js';
import { trackWork } from '../core/work/track.js';
import type { WorkKind } from '../core/work/work-item.js';
import type { OperationContext } from '../ports/context.js';
import { queryBool } from './query-params.js';

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
  x: {
    kind: WorkKind;
    dryRun: boolean;
    details: Record<string, unknown>;
    run: (dryRun: boolean) => Promise<R>;
    /** One history event on the pruned category, or 'in-run' when the run writes its own. */
    audit: { category: string; type: AuditEventType } | 'in-run';
    serverId?: string;
    /** Safe facts kept on the work item; the whole result when not given. */
    detailsOf?: (result: R) => Record<string, unknown>;
  },
): Promise<R & { workId: string | null }> {
  if (x.dryRun) return { ...(await x.run(true)), workId: null };
  const workId = newId('work', ctx.now().getTime());
  const result = await trackWork(ctx.store.work, { id: workId, kind: x.kind, serverId: x.serverId, details: x.details }, () => x.run(false), {
    detailsOf: x.detailsOf ?? ((r) => r),
    now: () => ctx.now(),
  });
  if (x.audit !== 'in-run') {
    await ctx.store.audit.append({ type: x.audit.type, aggregateType: 'history', aggregateId: x.audit.category, actor: ctx.actor, payload: { workId, ...x.details, ...result } });
  }
  return { ...result, workId };
}
