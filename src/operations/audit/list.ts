import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { defineOperation } from '../operation.js';
import { queryInt } from '../query-params.js';
import { aggregateId, auditRowOut, auditSummaryOut, safeAuditRow } from './views.js';

export const listAuditEvents = defineOperation({
  name: 'audit-events.list',
  kind: 'query',
  summary: 'List the audit events of one aggregate: id, aggregate id, type and time only, oldest first.',
  input: z.strictObject({
    aggregate: aggregateId,
    limit: queryInt(1, 1000).optional().describe('at most this many events (default 500)'),
    after: queryInt(0, Number.MAX_SAFE_INTEGER).optional().describe('cursor: the nextCursor of the previous page'),
  }),
  output: z.object({ items: z.array(auditSummaryOut), nextCursor: z.number().nullable() }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/audit-events' },
  cli: { words: ['audit-event', 'list'] },
  handler: async ({ aggregate, limit = 500, after = 0 }, ctx) => {
    const rows = await ctx.store.auditHistory.page({ aggregateId: aggregate }, after, limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({ id: r.id, aggregateId: r.aggregateId, type: r.type, createdAt: r.createdAt })),
      nextCursor: rows.length > limit ? page.at(-1)!.seq : null,
    };
  },
});

export const showAuditEvent = defineOperation({
  name: 'audit-events.show',
  kind: 'query',
  summary: 'Show one audit event of an aggregate: a safe payload, with masked fields named in redactedFields.',
  input: z.strictObject({ eventId: recordId, aggregate: aggregateId }),
  output: auditRowOut,
  errors: ['audit_event_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/audit-events/{eventId}' },
  cli: { words: ['audit-event', 'show'], positionals: ['eventId'] },
  handler: async ({ eventId, aggregate }, ctx) => {
    const row = await ctx.store.auditHistory.get(eventId);
    // The aggregate is part of the address: an event is not found under another aggregate.
    if (!row || row.aggregateId !== aggregate) fail('audit_event_not_found', 'No audit event of this aggregate has this id.', { id: eventId });
    return safeAuditRow(row);
  },
});
