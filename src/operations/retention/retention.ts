import { z } from 'zod';
import { RETENTION_CATEGORIES, RETENTION_SCHEDULES, RETENTION_SCOPES, type RetentionDefault } from '../../core/governance/retention.js';
import { defineOperation } from '../operation.js';
import { queryInt } from '../query-params.js';

// Policy records only: configuring a default deletes nothing, and no prune reads its cutoff
// from here (manual prunes always take an explicit --before).

const scope = z.enum(RETENTION_SCOPES);
const category = z.enum(RETENTION_CATEGORIES);
const defaultOut = z.object({
  scope,
  category,
  retentionDays: z.number(),
  schedule: z.enum(RETENTION_SCHEDULES),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

export const configureRetentionDefault = defineOperation({
  name: 'retention-defaults.configure',
  kind: 'command',
  summary: 'Set the default retention window of a history category (a policy record: it deletes nothing).',
  input: z.strictObject({
    scope: scope.describe('only `system` for now'),
    category,
    retentionDays: queryInt(1, 36_500),
    schedule: z.enum(RETENTION_SCHEDULES).optional().describe('what future scheduled retention may request: none, dry-run (default) or destructive'),
  }),
  output: defaultOut,
  errors: [],
  destructive: false,
  http: { method: 'POST', path: '/api/retention-defaults' },
  cli: { words: ['retention-default', 'configure'] },
  handler: async (input, ctx) =>
    ctx.store.transaction(async (tx) => {
      const record: RetentionDefault = {
        scope: input.scope,
        category: input.category,
        retentionDays: input.retentionDays,
        schedule: input.schedule ?? 'dry-run',
        updatedAt: ctx.now().toISOString(),
        updatedBy: `${ctx.actor.kind}:${ctx.actor.id}`,
      };
      await tx.retentionDefaults.upsert(record);
      const { updatedAt: _at, updatedBy: _by, ...payload } = record;
      await tx.audit.append({ type: 'retention-default.configured', aggregateType: 'retention-default', aggregateId: `${record.scope}:${record.category}`, actor: ctx.actor, payload });
      return record;
    }),
});

export const listRetentionDefaults = defineOperation({
  name: 'retention-defaults.list',
  kind: 'query',
  summary: 'List configured retention defaults.',
  input: z.strictObject({ scope: scope.optional() }),
  output: z.object({ items: z.array(defaultOut) }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/retention-defaults' },
  cli: { words: ['retention-default', 'list'] },
  handler: async ({ scope: s }, ctx) => ({ items: await ctx.store.retentionDefaults.list(s) }),
});

export const showRetentionDefault = defineOperation({
  name: 'retention-defaults.show',
  kind: 'query',
  summary: 'Show the retention default of one category; `configured: false` when none was set.',
  input: z.strictObject({ category, scope: scope.optional() }),
  output: z.object({ scope, category, configured: z.boolean(), retentionDays: z.number().nullable(), schedule: z.enum(RETENTION_SCHEDULES).nullable(), updatedAt: z.string().nullable(), updatedBy: z.string().nullable() }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/retention-defaults/{category}' },
  cli: { words: ['retention-default', 'show'], positionals: ['category'] },
  handler: async ({ category: c, scope: s = 'system' }, ctx) => {
    const r = await ctx.store.retentionDefaults.get(s, c);
    return r ? { ...r, configured: true } : { scope: s, category: c, configured: false, retentionDays: null, schedule: null, updatedAt: null, updatedBy: null };
  },
});
