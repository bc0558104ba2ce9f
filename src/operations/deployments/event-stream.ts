import { BerthError, fail, toBerthError } from '../../core/errors/berth-error.js';
import type { JournalEvent } from '../../core/deployments/deployment.js';
import { isTerminal } from '../../core/deployments/status.js';
import type { ErrorObject } from '../../core/errors/types.js';
import type { OperationContext } from '../../ports/context.js';
import { sleep } from '../../core/time/delay.js';

// Event stream envelopes: event | heartbeat | gap | closed | error,
// each with a cursor. A cursor is a journal sequence number; resuming from it loses nothing.

export type Envelope =
  | { kind: 'event'; cursor: number; event: Omit<JournalEvent, 'deploymentId'> }
  | { kind: 'heartbeat'; cursor: number; at: string }
  | { kind: 'gap'; cursor: number; reason: 'pruned'; prunedThrough: number }
  | { kind: 'closed'; cursor: number; status: string; reason: 'terminal' | 'snapshot' }
  | { kind: 'error'; cursor: number; error: ErrorObject };

const PAGE = 500;


export async function* deploymentEnvelopes(ctx: OperationContext, id: string, from: number, follow: boolean, signal: AbortSignal): AsyncGenerator<Envelope> {
  let cursor = from;
  let d = (await ctx.store.deployments.get(id)) ?? fail('deployment_not_found', 'No deployment has this id.', { id });
  try {
    if (cursor < d.eventsPrunedThrough) {
      // Continuity cannot be proven: the events after this cursor were pruned.
      yield { kind: 'gap', cursor: d.eventsPrunedThrough, reason: 'pruned', prunedThrough: d.eventsPrunedThrough };
      cursor = d.eventsPrunedThrough;
    }
    let lastBeat = Date.now();
    while (!signal.aborted) {
      const events = await ctx.store.journal.after(id, cursor, PAGE);
      for (const e of events) {
        const { deploymentId: _omit, ...event } = e;
        yield { kind: 'event', cursor: e.seq, event };
        cursor = e.seq;
      }
      if (events.length === PAGE) continue;
      d = (await ctx.store.deployments.get(id))!;
      if (isTerminal(d.status)) {
        // Drain what the runner wrote after its last status change before closing.
        const tail = await ctx.store.journal.after(id, cursor, PAGE);
        if (tail.length > 0) continue;
        yield { kind: 'closed', cursor, status: d.status, reason: 'terminal' };
        return;
      }
      if (!follow) {
        yield { kind: 'closed', cursor, status: d.status, reason: 'snapshot' };
        return;
      }
      if (Date.now() - lastBeat >= ctx.deploy.streamHeartbeatMs) {
        yield { kind: 'heartbeat', cursor, at: new Date().toISOString() };
        lastBeat = Date.now();
      }
      await sleep(ctx.deploy.streamPollMs, signal).catch(() => undefined); // aborted: the loop ends
    }
  } catch (err) {
    if (err instanceof BerthError && err.code === 'deployment_not_found') throw err;
    yield { kind: 'error', cursor, error: toBerthError(err, id).toObject() };
  }
}
