import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { pruneInput, pruneOutBase, runPrune } from '../prune-run.js';
import { utc } from './views.js';

export const pruneAuditEvents = defineOperation({
  name: 'audit-events.prune',
  kind: 'command',
  summary: 'Prune audit rows older than --before (dry-run unless --dry-run false); rows under an active legal hold are reported and kept.',
  input: z.strictObject(pruneInput),
  output: z.object({
    ...pruneOutBase,
    matched: z.number(),
    held: z.number(),
    heldAggregates: z.array(z.object({ aggregateId: z.string(), rows: z.number(), holdIds: z.array(z.string()) })),
    deleted: z.number(),
    wouldDelete: z.number(),
  }),
  errors: [],
  destructive: true,
  http: { method: 'POST', path: '/api/audit-events/prune' },
  cli: { words: ['audit-event', 'prune'] },
  handler: async (input, ctx) => {
    const before = utc(input.before);
    const dryRun = input.dryRun ?? true;
    const result = await runPrune(ctx, {
      kind: 'audit-prune',
      audit: { category: 'audit-events', type: 'audit.pruned' },
      dryRun,
      details: { before },
      run: async (dry) => {
        const r = await ctx.store.auditHistory.prune(before, { dryRun: dry, now: ctx.now().toISOString() });
        return { matched: r.matched, held: r.held, heldAggregates: r.heldAggregates, deleted: r.deleted, wouldDelete: r.matched - r.held, prunedRuns: r.gaps };
      },
    });
    const { prunedRuns: _runs, ...out } = result;
    return { before, dryRun, ...out };
  },
});
