import type { Command } from 'commander';
import type { ErrorObject } from '../../core/errors/types.js';
import { sleep } from '../../core/time/delay.js';
import type { Operation } from '../../operations/operation.js';
import type { ApiClient } from '../client/api-client.js';
import { AttemptProgress, type JournalEventView } from './attempt-progress.js';
import { attemptEnding, type AttemptStatus } from './attempt-ending.js';
import { EXIT_CODES } from './exit-codes.js';
import { FOLLOW_OPTIONS } from './follow-options.js';
import { emit, type CliIo } from './output.js';
import { ProgressDisplay, type OutputLine } from './progress-display.js';

// Following an attempt the control plane runs: its journal over SSE until it is terminal, with a
// duration per phase and step, and the provider's output (a build's, a pull's) as it is written,
// read from the provider log by cursor. Then the same ending everywhere (`berth up`, redeploy,
// retry, rollback): the URL, the total time and the next command, or the error, the recovery
// command readiness allows, and the error's exit status. Ctrl-C stops watching, not the attempt.

export interface FollowFlags {
  /** Hide the provider's output (phase and step lines stay). */
  quiet?: boolean;
}

/** The options of every command that follows an attempt. */
export function addFollowOptions(cmd: Command): Command {
  for (const o of FOLLOW_OPTIONS) cmd.option(o.flags, o.description);
  return cmd;
}

/** How long the provider log may take to catch up once the journal says the attempt ended. */
const OUTPUT_DRAIN_MS = 3_000;

/** Follows the attempt `id` to its end and prints the ending; returns the exit status. */
export async function followAttempt(io: CliIo, client: ApiClient, op: (name: string) => Pick<Operation, 'http'>, json: boolean, id: string, flags: FollowFlags = {}): Promise<number> {
  const started = Date.now();
  const display = new ProgressDisplay({ json, tty: process.stderr.isTTY === true && !json, write: (t) => void process.stderr.write(t) });
  const stopWatching = () => {
    display.stop();
    io.err(`\nStopped watching. Deployment ${id} continues: berth deployment events ${id} --follow`);
    process.exit(130);
  };
  process.once('SIGINT', stopWatching);
  const outputAbort = new AbortController();
  let output: Promise<void> = Promise.resolve();
  const progress = new AttemptProgress();
  try {
    if (!json) io.err(`deployment ${id} created`);
    if (!flags.quiet) output = followOutput(client, op, id, display, outputAbort.signal);
    const stream = await client.stream(op('deployments.events'), { id, follow: true });
    if (stream.ok) {
      for await (const e of stream.envelopes) {
        const env = e as { kind: string; event?: JournalEventView };
        if (env.kind !== 'event' || !env.event) continue;
        display.progress(progress.feed(env.event));
        const now = progress.current;
        display.workingOn(now ? `${now.phase}${now.step ? ` ${now.step}` : ''}` : undefined);
      }
    }
    await Promise.race([output, sleep(OUTPUT_DRAIN_MS, outputAbort.signal).catch(() => undefined)]);
  } finally {
    outputAbort.abort();
    display.stop();
    process.removeListener('SIGINT', stopWatching);
  }
  const final = await client.call(op('deployments.show'), { id });
  if (!final.ok) return emit(io, json, final);
  const status = final.data as AttemptStatus;
  const readiness = status.status === 'succeeded' ? undefined : await client.call(op('deployments.recovery-readiness'), { id });
  const ending = attemptEnding(status, readiness?.ok ? (readiness.data as Parameters<typeof attemptEnding>[1]) : undefined, { attemptMs: progress.totalMs ?? null, elapsedMs: Date.now() - started });
  if (json) {
    display.line(JSON.stringify(ending.json));
    io.out(JSON.stringify(status, null, 2));
  } else {
    for (const l of ending.out) io.out(l);
    for (const l of ending.err) io.err(l);
    if (status.error) emit(io, false, { ok: false, error: status.error });
    for (const l of ending.after) io.err(l);
  }
  if (status.status === 'succeeded') return 0;
  return status.error ? (EXIT_CODES[status.error.category as ErrorObject['category']] ?? 1) : 1;
}

/** The provider log's lines while the attempt runs; a failure here never fails the follow. */
async function followOutput(client: ApiClient, op: (name: string) => Pick<Operation, 'http'>, id: string, display: ProgressDisplay, signal: AbortSignal): Promise<void> {
  try {
    const stream = await client.stream(op('deployments.provider-log'), { id, follow: true }, signal);
    if (!stream.ok) return;
    for await (const e of stream.envelopes) {
      const env = e as { kind: string; entry?: OutputLine };
      if (env.kind === 'line' && env.entry) display.output(env.entry);
    }
  } catch {
    // Aborted once the attempt ended, or the connection dropped: the output is also in `berth deployment provider-log`.
  }
}
