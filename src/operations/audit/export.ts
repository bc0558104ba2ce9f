import { z } from 'zod';
import { fail } from '../../core/errors/berth-error.js';
import { validationError } from '../../core/errors/validation.js';
import type { OperationContext } from '../../ports/context.js';
import { defineOperation } from '../operation.js';
import { queryBool, queryInt } from '../query-params.js';
import { aggregateId, auditRowOut, isoInstant, safeAuditRow, utc, type AuditRowView } from './views.js';

// Exports are bounded, redacted and read-only. The global export streams: rows are read in
// keyset pages and written as they are read, so memory stays one page whatever the window.

const PAGE = 1000;

export const exportAuditEvents = defineOperation({
  name: 'audit-events.export',
  kind: 'query',
  summary: 'Export the audit rows of one aggregate (bounded by --limit), redacted, oldest first.',
  input: z.strictObject({ aggregate: aggregateId, limit: queryInt(1, 1000).optional().describe('at most this many rows (default 100)') }),
  output: z.object({ aggregateId: z.string(), limit: z.number(), count: z.number(), truncated: z.boolean(), items: z.array(auditRowOut) }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/audit-export' },
  cli: { words: ['audit-event', 'export'] },
  handler: async ({ aggregate, limit = 100 }, ctx) => {
    const rows = await ctx.store.auditHistory.page({ aggregateId: aggregate }, 0, limit + 1);
    const items = rows.slice(0, limit).map(safeAuditRow);
    return { aggregateId: aggregate, limit, count: items.length, truncated: rows.length > limit, items };
  },
});

const globalInput = z.strictObject({
  from: isoInstant.optional().describe('window start, ISO timestamp, inclusive (required)'),
  to: isoInstant.optional().describe('window end, ISO timestamp, exclusive (required)'),
  limit: queryInt(1, 10_000_000).optional().describe('at most this many rows (default 100)'),
  after: queryInt(0, Number.MAX_SAFE_INTEGER).optional().describe('cursor: resume after this row seq'),
  follow: queryBool.optional().describe('stream every row of the window (server-sent events; NDJSON with --json)'),
});
type GlobalInput = z.infer<typeof globalInput>;

export type ExportEnvelope =
  | { kind: 'rows'; cursor: number; rows: AuditRowView[] }
  | { kind: 'closed'; cursor: number; count: number; reason: 'limit' | 'window-end' };

function windowOf(input: GlobalInput): { from: string; to: string } {
  const missing = [...(input.from ? [] : ['from']), ...(input.to ? [] : ['to'])];
  if (missing.length) fail('export_window_required', 'A global export needs both ends of its time window.', { missing });
  const from = utc(input.from!);
  const to = utc(input.to!);
  if (to <= from) throw validationError([{ code: 'invalid_input', path: 'to', message: 'Must be later than from.' }]);
  return { from, to };
}

export async function* exportPages(ctx: OperationContext, input: GlobalInput, signal: AbortSignal): AsyncGenerator<ExportEnvelope> {
  const window = windowOf(input);
  const limit = input.limit ?? 100;
  let cursor = input.after ?? 0;
  let count = 0;
  const read = (after: number, want: number) => {
    const page = ctx.store.auditHistory.page(window, after, want).then((rows) => ({ rows, want }));
    page.catch(() => undefined); // a read still in flight when the reader goes away must not go unhandled
    return page;
  };
  let next = read(cursor, Math.min(PAGE, limit));
  while (!signal.aborted) {
    const { rows, want } = await next;
    if (rows.length > 0) {
      cursor = rows.at(-1)!.seq;
      count += rows.length;
    }
    const more = count < limit && rows.length === want;
    // The next page is read while this one is redacted, serialised and written: at most two
    // pages are held, and a slow reader still holds the export back (the write is awaited).
    if (more) next = read(cursor, Math.min(PAGE, limit - count));
    if (rows.length > 0) yield { kind: 'rows', cursor, rows: rows.map(safeAuditRow) };
    if (count >= limit) return yield { kind: 'closed', cursor, count, reason: 'limit' };
    if (!more) return yield { kind: 'closed', cursor, count, reason: 'window-end' };
  }
}

export const exportGlobalAuditEvents = defineOperation({
  name: 'audit-events.export-global',
  kind: 'query',
  summary: 'Export audit rows of every aggregate in a required time window, bounded by --limit; --follow streams them all.',
  input: globalInput,
  output: z.object({ from: z.string(), to: z.string(), limit: z.number(), count: z.number(), nextCursor: z.number().nullable(), items: z.array(auditRowOut) }),
  errors: ['export_window_required'],
  destructive: false,
  http: { method: 'GET', path: '/api/audit-export/global' },
  cli: { words: ['audit-event', 'export-global'] },
  // Without streaming the answer is one page (at most 1000 rows); nextCursor continues it.
  handler: async (input, ctx) => {
    const { from, to } = windowOf(input);
    const limit = input.limit ?? 100;
    const want = Math.min(limit, PAGE);
    const rows = await ctx.store.auditHistory.page({ from, to }, input.after ?? 0, want + 1);
    const items = rows.slice(0, want).map(safeAuditRow);
    const more = rows.length > want && limit > want;
    return { from, to, limit, count: items.length, nextCursor: more ? items.at(-1)!.seq : null, items };
  },
  stream: (input, ctx, signal) => exportPages(ctx, input, signal),
});
