import { z } from 'zod';
import { recordId } from '../id-input.js';
import { deploymentStatusesFor, deploymentWorkItem } from '../../core/work/from-deployment.js';
import { WORK_KINDS, WORK_STATUSES, toWorkItem, type WorkItem } from '../../core/work/work-item.js';
import { defineOperation } from '../operation.js';
import { queryInt } from '../query-params.js';
import { detail, findWorkItem, summary, workItemDetailOut, workItemOut } from './views.js';

// The work ledger: read-only. It suggests next actions; it never retries, cancels or prunes.

export const listWork = defineOperation({
  name: 'work.list',
  kind: 'query',
  summary: 'List background work (deployment attempts, proxy bootstrap, certificates, prunes, reconcile runs), newest first, with safe next actions.',
  input: z.strictObject({
    kind: z.enum(WORK_KINDS).optional(),
    status: z.enum(WORK_STATUSES).optional(),
    resourceId: recordId.optional(),
    serverId: recordId.optional(),
    limit: queryInt(1, 500).optional().describe('at most this many items (default 50)'),
  }),
  output: z.object({ items: z.array(workItemOut) }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/work' },
  cli: { words: ['work', 'list'] },
  handler: async (input, ctx) => {
    const limit = input.limit ?? 50;
    const items: WorkItem[] = [];
    if (!input.kind || input.kind === 'deployment') {
      const status = input.status ? deploymentStatusesFor(input.status) : undefined;
      // serverId is not a deployments-list filter: read a wider page and filter it here.
      const rows = await ctx.store.deployments.list({ resourceId: input.resourceId, status, includeArchived: true, limit: input.serverId ? limit * 4 : limit });
      items.push(...rows.filter((d) => !input.serverId || d.serverId === input.serverId).map(deploymentWorkItem));
    }
    if (input.kind !== 'deployment') {
      const rows = await ctx.store.work.list({ kind: input.kind, status: input.status ? [input.status] : undefined, resourceId: input.resourceId, serverId: input.serverId, limit });
      items.push(...rows.map((r) => toWorkItem(r)));
    }
    items.sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));
    return { items: items.slice(0, limit).map(summary) };
  },
});

export const showWork = defineOperation({
  name: 'work.show',
  kind: 'query',
  summary: 'Show one work item: kind, status, phase, related ids, the error (code, category, remedies), retryable and next actions.',
  input: z.strictObject({ id: recordId }),
  output: workItemDetailOut,
  errors: ['work_item_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/work/{id}' },
  cli: { words: ['work', 'show'], positionals: ['id'] },
  handler: async ({ id }, ctx) => detail(await findWorkItem(ctx, id)),
});
