import type { ErrorObject } from '../../core/errors/types.js';
import type { Operation } from '../../operations/operation.js';
import type { ApiClient } from '../client/api-client.js';
import { EXIT_CODES } from './exit-codes.js';
import { emit, type CliIo } from './output.js';

// Following an attempt the control plane runs: its journal over SSE until it is terminal, then
// the same ending everywhere (`berth up`, redeploy, retry, rollback): the URL, or the status, the
// error and the error's exit status. Ctrl-C stops watching, not the attempt.

interface AttemptStatus {
  id: string;
  status: string;
  currentPhase: string;
  accessUrl: string | null;
  error?: ErrorObject;
  recoveryHint: string | null;
}

/** Follows the attempt `id` to its end and prints the ending; returns the exit status. */
export async function followAttempt(io: CliIo, client: ApiClient, op: (name: string) => Operation, json: boolean, id: string): Promise<number> {
  const stopWatching = () => {
    io.err(`\nStopped watching. Deployment ${id} continues: berth deployment events ${id} --follow`);
    process.exit(130);
  };
  process.once('SIGINT', stopWatching);
  try {
    if (!json) io.err(`deployment ${id} created`);
    const stream = await client.stream(op('deployments.events'), { id, follow: true });
    if (stream.ok) {
      for await (const e of stream.envelopes) {
        const env = e as { kind: string; event?: { kind: string; phase: string | null; data: Record<string, unknown> } };
        if (!json && env.kind === 'event' && env.event) io.err(progressLine(env.event));
      }
    }
  } finally {
    process.removeListener('SIGINT', stopWatching);
  }
  const final = await client.call(op('deployments.show'), { id });
  if (!final.ok) return emit(io, json, final);
  const status = final.data as AttemptStatus;
  if (json) io.out(JSON.stringify(status, null, 2));
  if (status.status === 'succeeded') {
    if (!json) io.out(`live at ${status.accessUrl}`);
    return 0;
  }
  if (!json) {
    io.err(`deployment ${status.id} ended ${status.status} in phase ${status.currentPhase}${status.recoveryHint ? `: ${status.recoveryHint}` : ''}`);
    if (status.error) emit(io, false, { ok: false, error: status.error });
  }
  return status.error ? (EXIT_CODES[status.error.category as keyof typeof EXIT_CODES] ?? 1) : 1;
}

function progressLine(e: { kind: string; phase: string | null; data: Record<string, unknown> }): string {
  const what = e.kind === 'status' ? `status ${String(e.data.status)}` : e.kind === 'step' ? String(e.data.step) : e.kind;
  const extra = e.data.service ? ` (${String(e.data.service)})` : e.data.accessUrl ? ` ${String(e.data.accessUrl)}` : '';
  return `  ${(e.phase ?? '').padEnd(7)} ${what}${extra}`;
}
