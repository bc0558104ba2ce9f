import { z } from 'zod';
import { recordId } from '../id-input.js';
import type { OperationContext } from '../../ports/context.js';
import { defineOperation } from '../operation.js';
import { queryBool, queryInt } from '../query-params.js';
import { logSources, secretNamesOf, splitLines } from './log-sources.js';
import { logEnvelopes } from './log-stream.js';
import { resourceOf, servingOf, targetOf } from '../lookup.js';

const input = z.strictObject({
  id: recordId,
  tail: queryInt(0, 10_000).default(100).describe('lines per service before following'),
  service: z.string().min(1).max(100).optional().describe('only this service'),
  follow: queryBool.optional().describe('keep streaming new lines'),
});

const output = z.object({
  resourceId: z.string(),
  deploymentId: z.string().nullable(),
  services: z.array(z.object({ service: z.string(), containerId: z.string(), state: z.string(), lines: z.array(z.string()) })),
  redaction: z.object({ secretNames: z.array(z.string()), valuesMasked: z.boolean() }),
});

export type LogsSnapshot = z.infer<typeof output>;

/** The last `tail` lines per serving container, masked (also the log section of diagnose bundles). */
export async function logsSnapshot(ctx: OperationContext, args: { id: string; tail: number; service?: string }): Promise<LogsSnapshot> {
  const resource = await resourceOf(ctx, args.id);
  const serving = await servingOf(ctx, resource.id);
  if (!serving) return { resourceId: resource.id, deploymentId: null, services: [], redaction: { secretNames: secretNamesOf(resource, undefined), valuesMasked: false } };
  const server = (await ctx.store.servers.get(serving.serverId))!;
  const { engine } = targetOf(ctx, server);
  const sources = await logSources(ctx, engine, resource, serving, args.service);
  const services = await Promise.all(
    sources.map(async (s) => {
      const state = (await engine.inspect(s.containerId))?.status ?? 'missing';
      const lines = state === 'missing' || args.tail === 0 ? [] : splitLines(await engine.logsTail(s.containerId, args.tail)).map(s.mask);
      return { service: s.service, containerId: s.containerId, state, lines };
    }),
  );
  return { resourceId: resource.id, deploymentId: serving.id, services, redaction: { secretNames: secretNamesOf(resource, serving), valuesMasked: sources.every((s) => s.valuesKnown) } };
}

export const resourceLogs = defineOperation({
  name: 'resources.logs',
  kind: 'query',
  summary: "Logs of the resource's serving containers, per service, with secret values masked; --follow streams new lines.",
  input,
  output,
  errors: ['resource_not_found', 'docker_error'],
  destructive: false,
  http: { method: 'GET', path: '/api/resources/{id}/logs' },
  cli: { words: ['resource', 'logs'], positionals: ['id'] },
  handler: (args, ctx) => logsSnapshot(ctx, args),
  stream: (args, ctx, signal) => logEnvelopes(ctx, args, signal),
});
