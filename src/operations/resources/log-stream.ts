import type { Readable } from 'node:stream';
import { toBerthError } from '../../core/errors/berth-error.js';
import type { ErrorObject } from '../../core/errors/types.js';
import type { OperationContext } from '../../ports/context.js';
import { logSources, type LogSource } from './log-sources.js';
import { resourceOf, servingOf, targetOf } from '../lookup.js';

// `berth resource logs --follow`: the serving containers' lines as the same envelope kinds as
// deployment event streams (event | heartbeat | closed | error), so one client reads both. A
// log cursor counts lines sent on this stream; logs cannot resume from it (reopen with --tail).
// The stream closes when every followed container stops (a redeploy retires them).

export type LogEnvelope =
  | { kind: 'event'; cursor: number; event: { kind: 'log'; at: string; phase: null; data: { service: string; containerId: string; line: string } } }
  | { kind: 'heartbeat'; cursor: number; at: string }
  | { kind: 'closed'; cursor: number; status: 'not-deployed' | 'stopped'; reason: 'terminal' }
  | { kind: 'error'; cursor: number; error: ErrorObject };

interface Line {
  source: LogSource;
  line: string;
}

/** Feeds a stream's complete lines to `push`, and the unterminated rest when it ends. */
function pumpLines(stream: Readable, source: LogSource, push: (l: Line) => void, ended: () => void): void {
  let rest = '';
  stream.on('data', (chunk: Buffer | string) => {
    const lines = (rest + chunk.toString()).split(/\r?\n/);
    rest = lines.pop() ?? '';
    for (const line of lines) push({ source, line: source.mask(line) });
  });
  const finish = () => {
    if (rest) push({ source, line: source.mask(rest) });
    rest = '';
    ended();
  };
  stream.once('end', finish);
  stream.once('close', finish);
  stream.once('error', finish);
}

export async function* logEnvelopes(ctx: OperationContext, args: { id: string; tail: number; service?: string }, signal: AbortSignal): AsyncGenerator<LogEnvelope> {
  // Lookups throw before the first envelope, so an unknown id is an ordinary error response.
  const resource = await resourceOf(ctx, args.id);
  const serving = await servingOf(ctx, resource.id);
  let cursor = 0;
  if (!serving) {
    yield { kind: 'closed', cursor, status: 'not-deployed', reason: 'terminal' };
    return;
  }
  const { engine } = targetOf(ctx, (await ctx.store.servers.get(serving.serverId))!);
  const sources = await logSources(ctx, engine, resource, serving, args.service);
  const inner = new AbortController();
  const queue: Line[] = [];
  let wake: (() => void) | undefined;
  const poke = () => {
    wake?.();
    wake = undefined;
  };
  const stop = () => {
    inner.abort();
    poke();
  };
  signal.addEventListener('abort', stop, { once: true });
  let open = sources.length;
  try {
    for (const source of sources) {
      const stream = await engine.followLogs(source.containerId, inner.signal, { tail: args.tail });
      pumpLines(stream, source, (l) => {
        queue.push(l);
        poke();
      }, () => {
        open--;
        poke();
      });
    }
    let lastBeat = Date.now();
    while (!signal.aborted) {
      while (queue.length > 0) {
        const { source, line } = queue.shift()!;
        cursor++;
        yield { kind: 'event', cursor, event: { kind: 'log', at: new Date().toISOString(), phase: null, data: { service: source.service, containerId: source.containerId, line } } };
      }
      if (open <= 0) {
        yield { kind: 'closed', cursor, status: 'stopped', reason: 'terminal' };
        return;
      }
      if (Date.now() - lastBeat >= ctx.deploy.streamHeartbeatMs) {
        yield { kind: 'heartbeat', cursor, at: new Date().toISOString() };
        lastBeat = Date.now();
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(10, ctx.deploy.streamHeartbeatMs - (Date.now() - lastBeat)));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (queue.length > 0 || open <= 0 || signal.aborted) poke();
      });
    }
  } catch (err) {
    yield { kind: 'error', cursor, error: toBerthError(err, resource.id).toObject() };
  } finally {
    signal.removeEventListener('abort', stop);
    inner.abort();
  }
}
