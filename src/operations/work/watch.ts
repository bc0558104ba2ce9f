import { z } from 'zod';
import { recordId } from '../id-input.js';
import { FINISHED_WORK, type WorkItem } from '../../core/work/work-item.js';
import type { OperationContext } from '../../ports/context.js';
import { defineOperation } from '../operation.js';
import { queryBool } from '../query-params.js';
import { findWorkItem, summary, type WorkSummary } from './views.js';
import { sleep } from '../../core/time/delay.js';

// Watching polls the item (reads only) and yields a snapshot each time what a reader acts on
// changes: status, phase, error code. Heartbeats keep idle connections honest.

export type WorkEnvelope =
  | { kind: 'snapshot'; cursor: number; item: WorkSummary }
  | { kind: 'heartbeat'; cursor: number; at: string }
  | { kind: 'closed'; cursor: number; status: string; reason: 'terminal' | 'snapshot' };

const fingerprint = (i: WorkItem) => JSON.stringify([i.status, i.attemptStatus, i.phase, i.errorCode, i.finishedAt]);


export async function* workEnvelopes(ctx: OperationContext, id: string, follow: boolean, signal: AbortSignal): AsyncGenerator<WorkEnvelope> {
  let cursor = 0;
  let last = '';
  let lastBeat = Date.now();
  while (!signal.aborted) {
    const item = await findWorkItem(ctx, id);
    if (fingerprint(item) !== last) {
      last = fingerprint(item);
      yield { kind: 'snapshot', cursor: ++cursor, item: summary(item) };
    }
    if (FINISHED_WORK.includes(item.status)) return yield { kind: 'closed', cursor, status: item.status, reason: 'terminal' };
    if (!follow) return yield { kind: 'closed', cursor, status: item.status, reason: 'snapshot' };
    if (Date.now() - lastBeat >= ctx.deploy.streamHeartbeatMs) {
      yield { kind: 'heartbeat', cursor, at: new Date().toISOString() };
      lastBeat = Date.now();
    }
    await sleep(ctx.deploy.streamPollMs, signal).catch(() => undefined); // aborted: the loop ends
  }
}

export const watchWork = defineOperation({
  name: 'work.watch',
  kind: 'query',
  summary: 'Watch one work item: snapshot/heartbeat/closed envelopes until it finishes (--follow streams; without it, the current snapshot).',
  input: z.strictObject({ id: recordId, follow: queryBool.optional().describe('keep watching until the item finishes') }),
  output: z.object({ envelopes: z.array(z.record(z.string(), z.unknown())) }),
  errors: ['work_item_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/work/{id}/watch' },
  cli: { words: ['work', 'watch'], positionals: ['id'] },
  handler: async ({ id }, ctx) => {
    const envelopes: WorkEnvelope[] = [];
    for await (const e of workEnvelopes(ctx, id, false, new AbortController().signal)) envelopes.push(e);
    return { envelopes };
  },
  stream: ({ id, follow }, ctx, signal) => workEnvelopes(ctx, id, follow ?? true, signal),
});
