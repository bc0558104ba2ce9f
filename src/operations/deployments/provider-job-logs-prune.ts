import { z } from 'zod';
import { utc } from '../audit/views.js';
import { defineOperation } from '../operation.js';
import { pruneInput, pruneOutBase, runPrune } from '../prune-run.js';

export const pruneProviderJobLogs = defineOperation({
  name: 'provider-job-logs.prune',
  kind: 'command',
  summary: 'Prune provider job log rows older than --before, optionally of one --provider (dry-run unless --dry-run false); nothing else is touched.',
  input: z.strictObject({ ...pruneInput, provider: z.string().min(1).max(100).optional().describe('only this provider\'s job logs') }),
  output: z.object({ ...pruneOutBase, provider: z.string().nullable(), matched: z.number(), deleted: z.number() }),
  errors: [],
  destructive: true,
  http: { method: 'POST', path: '/api/provider-job-logs/prune' },
  cli: { words: ['provider-job-log', 'prune'] },
  handler: async (input, ctx) => {
    const before = utc(input.before);
    const dryRun = input.dryRun ?? true;
    const provider = input.provider ?? null;
    const result = await runPrune(ctx, {
      kind: 'provider-job-log-prune',
      audit: { category: 'provider-job-logs', type: 'provider-job-log.pruned' },
      dryRun,
      details: { before, provider },
      run: (dry) => ctx.store.providerJobLogs.prune(before, { provider: input.provider, dryRun: dry }),
    });
    return { before, dryRun, provider, ...result };
  },
});
