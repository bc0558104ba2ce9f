import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { MAX_JOB_LINES } from '../../core/deployments/provider-job-lines.js';
import { defineOperation } from '../operation.js';
import { queryInt } from '../query-params.js';

const entryOut = z.object({
  seq: z.number().int(),
  at: z.string(),
  provider: z.string(),
  jobId: z.string().nullable(),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export const deploymentProviderLog = defineOperation({
  name: 'deployments.provider-log',
  kind: 'query',
  summary: "Show what the provider printed for one attempt's jobs (image pulls and builds), masked, newest lines.",
  input: z.strictObject({
    id: recordId,
    limit: queryInt(1, MAX_JOB_LINES).default(200).describe('newest lines to show'),
  }),
  output: z.object({ deploymentId: z.string(), total: z.number().int(), truncated: z.boolean(), entries: z.array(entryOut) }),
  errors: ['deployment_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/deployments/{id}/provider-log' },
  cli: { words: ['deployment', 'provider-log'], positionals: ['id'] },
  handler: async ({ id, limit }, ctx) => {
    if (!(await ctx.store.deployments.get(id))) fail('deployment_not_found', 'No deployment has this id.', { id });
    const { entries, total } = await ctx.store.providerJobLogs.forDeployment(id, limit);
    return {
      deploymentId: id,
      total,
      truncated: total > entries.length,
      entries: entries.map(({ seq, at, provider, jobId, level, message, data }) => ({ seq, at, provider, jobId, level, message, data })),
    };
  },
});
