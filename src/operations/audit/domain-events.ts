import { z } from 'zod';
import { utc } from './views.js';
import { defineOperation } from '../operation.js';
import { pruneInput, pruneOutBase, runPrune } from '../prune-run.js';

// Domain events are the retained deployment journal rows (event-stream observations). Rows of
// active attempts are recovery evidence and stay; each pruned deployment keeps a watermark, so
// a cursor older than it gets an explicit `gap` envelope instead of silently missing events.

export const pruneDomainEvents = defineOperation({
  name: 'domain-events.prune',
  kind: 'command',
  summary: 'Prune retained deployment event-stream rows older than --before (dry-run unless --dry-run false); active attempts keep theirs.',
  input: z.strictObject(pruneInput),
  output: z.object({ ...pruneOutBase, deleted: z.number(), wouldDelete: z.number(), skippedActive: z.number() }),
  errors: [],
  destructive: true,
  http: { method: 'POST', path: '/api/domain-events/prune' },
  cli: { words: ['domain-event', 'prune'] },
  handler: async (input, ctx) => {
    const before = utc(input.before);
    const dryRun = input.dryRun ?? true;
    const result = await runPrune(ctx, {
      kind: 'domain-event-prune',
      audit: { category: 'domain-events', type: 'domain-event.pruned' },
      dryRun,
      details: { before },
      run: async (dry) => {
        const r = await ctx.store.journal.pruneBefore(before, { dryRun: dry });
        return { deleted: dry ? 0 : r.deleted, wouldDelete: r.deleted, skippedActive: r.skippedActive };
      },
    });
    return { before, dryRun, ...result };
  },
});
