import { z } from 'zod';
import { recordId } from '../id-input.js';
import { defineOperation } from '../operation.js';
import { deploymentEnvelopes, type Envelope } from './event-stream.js';

const input = z.strictObject({
  id: recordId,
  cursor: z.coerce.number().int().min(0).optional(),
  follow: z.union([z.boolean(), z.stringbool()]).optional(),
});

export const deploymentEvents = defineOperation({
  name: 'deployments.events',
  kind: 'query',
  summary: 'Stream a deployment\'s journal as event/heartbeat/gap/closed/error envelopes with cursors; --follow keeps watching.',
  input,
  output: z.object({ envelopes: z.array(z.record(z.string(), z.unknown())) }),
  errors: ['deployment_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/deployments/{id}/events' },
  cli: { words: ['deployment', 'events'], positionals: ['id'] },
  handler: async ({ id, cursor }, ctx) => {
    const envelopes: Envelope[] = [];
    for await (const e of deploymentEnvelopes(ctx, id, cursor ?? 0, false, new AbortController().signal)) envelopes.push(e);
    return { envelopes };
  },
  stream: ({ id, cursor, follow }, ctx, signal) => deploymentEnvelopes(ctx, id, cursor ?? 0, follow ?? false, signal),
});
