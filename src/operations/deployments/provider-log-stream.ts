import { fail } from '../../core/errors/berth-error.js';
import { isTerminal } from '../../core/deployments/status.js';
import type { StoredProviderJobLog } from '../../ports/governance-store.js';
import type { OperationContext } from '../../ports/context.js';
import { sleep } from '../../core/time/delay.js';

// Following an attempt's provider log while its jobs run (a build's output as it prints). The
// cursor is a line's seq: resuming from it repeats and loses nothing that is still kept. The
// stream closes once the attempt is terminal and every line it wrote was sent.

export type ProviderLogEntry = Pick<StoredProviderJobLog, 'seq' | 'at' | 'provider' | 'jobId' | 'level' | 'message' | 'data'>;

export type ProviderLogEnvelope =
  | { kind: 'line'; cursor: number; entry: ProviderLogEntry }
  | { kind: 'heartbeat'; cursor: number; at: string }
  | { kind: 'closed'; cursor: number; status: string; reason: 'terminal' | 'snapshot' };

const PAGE = 500;

export const entryView = ({ seq, at, provider, jobId, level, message, data }: StoredProviderJobLog): ProviderLogEntry => ({ seq, at, provider, jobId, level, message, data });

export async function* providerLogEnvelopes(ctx: OperationContext, id: string, from: number, follow: boolean, signal: AbortSignal): AsyncGenerator<ProviderLogEnvelope> {
  let cursor = from;
  let lastBeat = Date.now();
  while (!signal.aborted) {
    // Read the status first: lines written before it turned terminal are then read below.
    const d = (await ctx.store.deployments.get(id)) ?? fail('deployment_not_found', 'No deployment has this id.', { id });
    let page: StoredProviderJobLog[];
    do {
      page = await ctx.store.providerJobLogs.after(id, cursor, PAGE);
      for (const line of page) {
        yield { kind: 'line', cursor: line.seq, entry: entryView(line) };
        cursor = line.seq;
      }
    } while (page.length === PAGE);
    if (isTerminal(d.status)) return yield { kind: 'closed', cursor, status: d.status, reason: 'terminal' };
    if (!follow) return yield { kind: 'closed', cursor, status: d.status, reason: 'snapshot' };
    if (Date.now() - lastBeat >= ctx.deploy.streamHeartbeatMs) {
      yield { kind: 'heartbeat', cursor, at: new Date().toISOString() };
      lastBeat = Date.now();
    }
    await sleep(ctx.deploy.streamPollMs, signal).catch(() => undefined); // aborted: the loop ends
  }
}
