import { z } from 'zod';
import type { OperationContext } from '../../ports/context.js';
import { defineOperation } from '../operation.js';
import { logSources, secretNamesOf, splitLines } from './log-sources.js';
import { logEnvelopes } from './log-stream.js';
import { resourceOf, servingOf, targetOf } from './lookup.js';

const input = z.strictObject({
  id: z.string().min(1).max(100),
  tail: z.coerce.number().int().min(0).max(10_000).default(100).describe('lines per service before following'),
  service: z.string().min(1).max(100).optional().describe('only this service'),
  follow: z.union([z.boolean(), z.stringbool()]).optional().describe('keep streaming new lines'),
});

const output = z.object({
  resourceId: z.string(),
  deploymentId: z.string().nullable(),
  services: z.array(z.object({ service: z.string(), containerId: z.string(), state: z.string(), lines: z.array(z.string()) })),
  redaction: z.object({ secretNames: z.array(z.string()), valuesMasked: z.boolean() }),
});

async function snapshot(ctx: OperationContext, args: z.infer<typeof input>): Promise<z.infer<typeof output>> {
  const resource = await resourceOf(ctx, args.id);
  const serving = await servingOf(ctx, resource.id);
  if (!serving) return { resourceId: resource.id, deploymentId: null, services: [], redaction: { secretNames: secretNamesOf(resource, undefined), valuesMasked: false } };
  const server = (await ctx.store.servers.get(serving.serverId))!;
  const { engine } = targetOf(ctx, server);
  const sources = await logSources(engine, resource, serving, args.service);
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
  handler: (args, ctx) => snapshot(ctx, args),
  stream: (args, ctx, signal) => logEnvelopes(ctx, args, signal),
});
