import { z } from 'zod';
import { defineOperation } from '../operation.js';

export const listAuditEvents = defineOperation({
  name: 'audit.list',
  kind: 'query',
  summary: 'List the audit events of one aggregate: id, aggregate id, type and time only.',
  input: z.strictObject({ aggregate: z.string().min(1).max(100) }),
  output: z.object({ items: z.array(z.object({ id: z.string(), aggregateId: z.string(), type: z.string(), createdAt: z.string() })) }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/audit-events' },
  cli: { words: ['audit-event', 'list'] },
  handler: async ({ aggregate }, ctx) => ({ items: await ctx.store.audit.list(aggregate) }),
});
