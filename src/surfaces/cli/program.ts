import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { BerthError } from '../../core/errors/berth-error.js';
import type { ErrorObject } from '../../core/errors/types.js';
import type { Operation } from '../../operations/operation.js';
import type { ApiClient } from '../client/api-client.js';
import { registerConsole } from './console-command.js';
import { EXIT_CODES } from './exit-codes.js';
import { followAttempt } from './follow.js';
import { convertValue, fieldOptions } from './options.js';
import { emit, errorResult, type CliIo } from './output.js';

export type { CliIo };
export { emit, errorResult };

export interface CliDeps {
  operations: readonly Operation[];
  connect: () => Promise<ApiClient>;
  io: CliIo;
  version: string;
}

/** Prints envelopes as they arrive (NDJSON with --json); the exit status follows the last one. */
async function followStream(io: CliIo, json: boolean, client: ApiClient, op: Operation, input: Record<string, unknown>): Promise<number> {
  const opened = await client.stream(op, input);
  if (!opened.ok) return emit(io, json, opened);
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

/**
 * CLI nouns are singular (`berth deployment show`); the plural spellings of earlier releases stay
 * as aliases so scripts keep working.
 */
const NOUN_ALIASES: Record<string, string[]> = { deployment: ['deployments'], error: ['errors'] };

function groupFor(root: Command, words: string[]): Command {
  let parent = root;
  for (const word of words) {
    const existing = parent.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (existing) {
      parent = existing;
      continue;
    }
    const group = parent.command(word).description(`${word} commands`);
    if (parent === root) for (const alias of NOUN_ALIASES[word] ?? []) group.alias(alias);
    parent = group;
  }
  return parent;
}

/** Builds `input` from positionals, derived options and the raw `--input` JSON (for agents). */
export function inputFromArgs(op: Operation, positionals: string[], opts: Record<string, unknown>): Record<string, unknown> {
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
  const fields = fieldOptions(op.input);
  (op.cli.positionals ?? []).forEach((field, i) => {
    const raw = positionals[i];
    const kind = fields.find((f) => f.field === field)?.kind ?? 'string';
    if (raw !== undefined) input[field] = convertValue(kind, raw);
  });
  for (const f of fields) {
    const key = f.field.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const raw = opts[key];
    if (raw === true && f.kind === 'boolean') input[f.field] = true;
    else if (typeof raw === 'string' && op.cli.files?.includes(f.field)) input[f.field] = fileText(raw, f.flag);
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

function addCommand(deps: CliDeps, group: Command, name: string, op: Operation, hidden: boolean): void {
  const opByName = (n: string) => deps.operations.find((o) => o.name === n)!;
  const cmd = new Command(name).description(op.summary).copyInheritedSettings(group);
  group.addCommand(cmd, { hidden });
  const positionals = op.cli.positionals ?? [];
  for (const p of positionals) cmd.argument(`[${p}]`);
  for (const f of fieldOptions(op.input)) {
    if (positionals.includes(f.field)) continue;
    const value = f.kind === 'boolean' ? '[true|false]' : f.kind === 'json' ? '<json>' : '<value>';
    cmd.option(`--${f.flag} ${value}`, `${f.description || f.field}${f.required ? ' (required)' : ''}`);
  }
  cmd.option('--input <json>', 'raw operation input as a JSON object (merged under the options)');
  cmd.option('--json', 'print the result or error as JSON');
  if (op.cli.follow === 'attempt') cmd.option('--no-wait', 'return once the attempt is created');
  cmd.action(async (...args: unknown[]) => {
    const opts = (args[positionals.length] ?? {}) as Record<string, unknown>;
    const json = opts.json === true;
    let code: number;
    try {
      const input = inputFromArgs(op, args.slice(0, positionals.length) as string[], opts);
      const client = await deps.connect();
      if (op.stream && input.follow === true) code = await followStream(deps.io, json, client, op, input);
      else {
        const result = await client.call(op, input);
        // An operation that starts an attempt is followed to its end, as `berth up` is.
        code = op.cli.follow === 'attempt' && result.ok && opts.wait !== false ? await followAttempt(deps.io, client, opByName, json, (result.data as { id: string }).id) : emit(deps.io, json, result);
      }
    } catch (err) {
      code = emit(deps.io, json, errorResult(err));
    }
    deps.io.exit(code);
  });
}

export function buildProgram(deps: CliDeps): Command {
  const program = new Command('berth')
    .description('Deploy a folder, git repository, image or compose file to Docker and prove it is live.')
    .version(deps.version)
    .showHelpAfterError(false)
    .configureOutput({ writeOut: (s) => deps.io.out(s.trimEnd()), writeErr: (s) => deps.io.err(s.trimEnd()) })
    .exitOverride();

  for (const op of deps.operations) {
    const words = op.cli.words;
    addCommand(deps, groupFor(program, words.slice(0, -1)), words[words.length - 1]!, op, false);
    // An operation that moved to another noun keeps its old words, hidden from help.
    for (const old of op.cli.aliases ?? []) addCommand(deps, groupFor(program, old.slice(0, -1)), old[old.length - 1]!, op, true);
  }
  registerConsole(program, deps);
  return program;
}
