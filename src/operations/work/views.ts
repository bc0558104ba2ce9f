import { z } from 'zod';
import { fail } from '../../core/errors/berth-error.js';
import { deploymentWorkItem } from '../../core/work/from-deployment.js';
import { NEXT_ACTIONS, WORK_KINDS, WORK_STATUSES, toWorkItem, type WorkItem } from '../../core/work/work-item.js';
import type { OperationContext } from '../../ports/context.js';

export const workItemOut = z.object({
  id: z.string(),
  kind: z.enum(WORK_KINDS),
  status: z.enum(WORK_STATUSES),
  attemptStatus: z.string(),
  phase: z.string().nullable(),
  resourceId: z.string().nullable(),
  serverId: z.string().nullable(),
  deploymentId: z.string().nullable(),
  certificateId: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorCategory: z.string().nullable(),
  retryable: z.boolean(),
  nextActions: z.array(z.enum(NEXT_ACTIONS)),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export const workItemDetailOut = workItemOut.extend({ error: z.record(z.string(), z.unknown()).nullable(), details: z.record(z.string(), z.unknown()) });

export type WorkSummary = z.infer<typeof workItemOut>;

export function summary(item: WorkItem): WorkSummary {
  const { error: _error, details: _details, ...rest } = item;
  return rest;
}

export function detail(item: WorkItem) {
  return { ...item, error: item.error as unknown as Record<string, unknown> | null };
}

/** A work id is a deployment id (attempts are derived) or a recorded item's id. */
export async function findWorkItem(ctx: OperationContext, id: string): Promise<WorkItem> {
  if (id.startsWith('dep_')) {
    const d = await ctx.store.deployments.get(id);
    if (d) return deploymentWorkItem(d);
  } else {
    const r = await ctx.store.work.get(id);
    if (r) return toWorkItem(r);
  }
  return fail('work_item_not_found', 'No work item has this id.', { id });
}
