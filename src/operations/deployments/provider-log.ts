import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { MAX_JOB_LINES } from '../../core/deployments/provider-job-lines.js';
import { defineOperation } from '../operation.js';
import { queryBool, queryInt } from '../query-params.js';
import { entryView, providerLogEnvelopes } from './provider-log-stream.js';

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
  summary: "Show what the provider printed for one attempt's jobs (image pulls and builds), masked, newest lines; --follow streams lines as they are written, from --cursor.",
  input: z.strictObject({
    id: recordId,
    limit: queryInt(1, MAX_JOB_LINES).default(200).describe('newest lines to show (with --cursor: the first lines after it)'),
    cursor: queryInt(0, Number.MAX_SAFE_INTEGER).optional().describe("a line's seq: show the lines after it"),
    follow: queryBool.optional().describe('stream line/heartbeat/closed envelopes until the attempt ends'),
  }),
  output: z.object({ deploymentId: z.string(), total: z.number().int(), truncated: z.boolean(), entries: z.array(entryOut) }),
  errors: ['deployment_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/deployments/{id}/provider-log' },
  cli: { words: ['deployment', 'provider-log'], positionals: ['id'] },
  handler: async ({ id, limit, cursor }, ctx) => {
    if (!(await ctx.store.deployments.get(id))) fail('deployment_not_found', 'No deployment has this id.', { id });
    const { entries: newest, total } = await ctx.store.providerJobLogs.forDeployment(id, cursor === undefined ? limit : 1);
    const entries = cursor === undefined ? newest : await ctx.store.providerJobLogs.after(id, cursor, limit);
    const last = newest.at(-1)?.seq;
    return {
      deploymentId: id,
      total,
      truncated: cursor === undefined ? total > entries.length : last !== undefined && (entries.at(-1)?.seq ?? cursor) < last,
      entries: entries.map(entryView),
    };
  },
  stream: ({ id, cursor, follow }, ctx, signal) => providerLogEnvelopes(ctx, id, cursor ?? 0, follow ?? false, signal),
});
