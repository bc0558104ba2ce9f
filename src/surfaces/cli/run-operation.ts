import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import type { ErrorObject } from '../../core/errors/types.js';
import type { Operation } from '../../operations/operation.js';
import type { ApiClient } from '../client/api-client.js';
import { EXIT_CODES } from './exit-codes.js';
import type { OperationBinding } from './manifest.js';
import { convertValue } from './options.js';
import type { CliIo } from './output.js';
import { emitJson, errorResult, type CliResult } from './results.js';

// Running one operation command: flags to input, the call (or, for the error catalogue, the
// operation itself in this process), then the result, a followed stream or a followed attempt.
// Renderers and the attempt follower load only when used: a --json read loads neither.

/** What an operation's call takes: its route, and its schema when the catalogue is loaded. */
export type OperationRef = Pick<Operation, 'http'> & Partial<Pick<Operation, 'input'>>;

export interface RunDeps {
  io: CliIo;
  connect: () => Promise<ApiClient>;
  /** Another operation by name (following an attempt reads its events and its status). */
  operation: (name: string) => OperationRef;
}

/** Builds `input` from positionals, derived options and the raw `--input` JSON (for agents). */
export function inputFromArgs(op: OperationBinding, positionals: (string | undefined)[], opts: Record<string, unknown>): Record<string, unknown> {
  let input: Record<string, unknown> = {};
  if (typeof opts.input === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(opts.input);
    } catch {
      throw new BerthError('parse_failed', 'The --input value is not valid JSON.', { file: '--input' });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new BerthError('parse_failed', 'The --input value must be a JSON object.', { file: '--input' });
    input = { ...(parsed as Record<string, unknown>) };
  }
  op.positionals.forEach((field, i) => {
    const raw = positionals[i];
    const kind = op.fields.find((f) => f.field === field)?.kind ?? 'string';
    if (raw !== undefined) input[field] = convertValue(kind, raw);
  });
  for (const f of op.fields) {
    const key = f.field.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const raw = opts[key];
    if (raw === true && f.kind === 'boolean') input[f.field] = true;
    else if (typeof raw === 'string' && op.files.includes(f.field)) input[f.field] = fileText(raw, f.flag);
    else if (typeof raw === 'string') input[f.field] = convertValue(f.kind, raw);
  }
  return input;
}

/** A file option's text, read on this machine (the control plane may be elsewhere). */
function fileText(path: string, flag: string): string {
  try {
    return readFileSync(resolve(path), 'utf8');
  } catch {
    throw new BerthError('source_unreadable', `The --${flag} file cannot be read.`, { location: resolve(path), field: flag, reason: 'unreadable' }, 'command-validation');
  }
}

/** Prints a result as --json asks, or for people; returns the exit status. */
async function show(io: CliIo, json: boolean, result: CliResult): Promise<number> {
  if (json) return emitJson(io.out, result);
  const { emit } = await import('./output.js');
  return emit(io, false, result);
}

/** Prints envelopes as they arrive (NDJSON with --json); the exit status follows the last one. */
async function followStream(io: CliIo, json: boolean, client: ApiClient, op: OperationRef, input: Record<string, unknown>): Promise<number> {
  const opened = await client.stream(op, input);
  if (!opened.ok) return show(io, json, opened);
  let last: { kind?: string; error?: ErrorObject } = {};
  for await (const envelope of opened.envelopes) {
    last = envelope as typeof last;
    io.out(json ? JSON.stringify(envelope) : renderEnvelope(envelope as Record<string, unknown>));
  }
  return last.kind === 'error' && last.error ? (EXIT_CODES[last.error.category] ?? 1) : 0;
}

function renderEnvelope(e: Record<string, unknown>): string {
  if (e.kind !== 'event') return `[${String(e.cursor)}] ${String(e.kind)}${e.status ? ` ${String(e.status)}` : ''}`;
  const ev = e.event as { phase?: string; kind: string; data: Record<string, unknown> };
  return `[${String(e.cursor)}] ${ev.phase ?? '-'} ${ev.kind} ${JSON.stringify(ev.data)}`;
}

/** Runs one operation command; returns its exit status. */
export async function runOperation(deps: RunDeps, op: OperationRef, binding: OperationBinding, positionals: (string | undefined)[], opts: Record<string, unknown>): Promise<number> {
  const json = opts.json === true;
  try {
    const input = inputFromArgs(binding, positionals, opts);
    if (binding.offline) {
      const { runOffline } = await import('./offline.js');
      return await show(deps.io, json, await runOffline(binding.name, input));
    }
    const client = await deps.connect();
    if (binding.stream && input.follow === true) return await followStream(deps.io, json, client, op, input);
    const result = await client.call(op, input);
    // An operation that starts an attempt is followed to its end, as `berth up` is.
    if (binding.follow === 'attempt' && result.ok && opts.wait !== false) {
      const { followAttempt } = await import('./follow.js');
      return await followAttempt(deps.io, client, deps.operation, json, (result.data as { id: string }).id, { quiet: opts.quiet === true });
    }
    return await show(deps.io, json, result);
  } catch (err) {
    return show(deps.io, json, errorResult(err));
  }
}
