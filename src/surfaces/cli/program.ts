import { Command } from 'commander';
import type { Operation } from '../../operations/operation.js';
import type { ApiClient } from '../client/api-client.js';
import { registerConsole } from './console-command.js';
import { registerService } from './service-command.js';
import { EXAMPLES } from './examples.js';
import { fieldHelp } from './field-help.js';
import { FOLLOW_OPTIONS } from './follow-options.js';
import { GROUP_DESCRIPTIONS, NOUN_ALIASES } from './groups.js';
import { programFromManifest, type CommandNode, type OperationBinding } from './manifest.js';
import { isOffline } from './offline-operations.js';
import { fieldOptions } from './options.js';
import { emit, errorResult, type CliIo } from './output.js';
import { runOperation } from './run-operation.js';

export type { CliIo };
export { emit, errorResult };
export { inputFromArgs } from './run-operation.js';

export interface CliDeps {
  operations: readonly Operation[];
  connect: () => Promise<ApiClient>;
  io: CliIo;
  version: string;
}

export const PROGRAM_DESCRIPTION = 'Deploy a folder, git repository, image or compose file to Docker and prove it is live.';

/** What an operation's command needs at run time, without its schemas. */
export function bindingOf(op: Operation): OperationBinding {
  return {
    name: op.name,
    http: { method: op.http.method, path: op.http.path },
    positionals: op.cli.positionals ?? [],
    fields: fieldOptions(op.input).map((f) => ({ field: f.field, flag: f.flag, kind: f.kind })),
    files: op.cli.files ?? [],
    ...(op.cli.follow ? { follow: op.cli.follow } : {}),
    stream: op.stream !== undefined,
    offline: isOffline(op.name),
  };
}

function operationNode(op: Operation, name: string, hidden: boolean): CommandNode {
  const noun = op.cli.words.slice(0, -1).join(' ') || op.cli.words[0]!;
  const positionals = op.cli.positionals ?? [];
  const fields = fieldOptions(op.input);
  const help = (f: (typeof fields)[number]) => {
    const text = fieldHelp(noun, f.field, f.description);
    return `${text}${f.choices ? ` (one of: ${f.choices.join(', ')})` : ''}`;
  };
  const options = fields
    .filter((f) => !positionals.includes(f.field))
    .map((f) => ({ flags: `--${f.flag} ${f.kind === 'boolean' ? '[true|false]' : f.kind === 'json' ? '<json>' : '<value>'}`, description: `${help(f)}${f.required ? ' (required)' : ''}` }));
  options.push({ flags: '--input <json>', description: 'raw operation input as a JSON object (merged under the options)' });
  options.push({ flags: '--json', description: 'print the result or error as JSON' });
  if (op.cli.follow === 'attempt') options.push(...FOLLOW_OPTIONS);
  return {
    name,
    aliases: [],
    description: op.summary,
    hidden,
    args: positionals.map((p) => {
      const f = fields.find((x) => x.field === p);
      return { name: p, description: f ? `${help(f)}${f.required ? ' (required)' : ''}` : p, required: false };
    }),
    options,
    examples: EXAMPLES[op.name] ?? [],
    notes: '',
    run: { kind: 'operation', op: bindingOf(op) },
    commands: [],
  };
}

function groupNode(words: string[]): CommandNode {
  const word = words[words.length - 1] ?? 'berth';
  return {
    name: word,
    aliases: words.length === 1 ? (NOUN_ALIASES[word] ?? []) : [],
    description: words.length === 0 ? PROGRAM_DESCRIPTION : (GROUP_DESCRIPTIONS[words.join(' ')] ?? ''),
    hidden: false,
    args: [],
    options: [],
    examples: [],
    notes: '',
    run: { kind: 'group' },
    commands: [],
  };
}

/** The operation commands of the catalogue as a manifest: `berth` with one group per noun. */
export function operationManifest(operations: readonly Operation[]): CommandNode {
  const root = groupNode([]);
  const groupFor = (words: string[]) => {
    let parent = root;
    words.forEach((word, i) => {
      let next = parent.commands.find((c) => c.name === word);
      if (!next) parent.commands.push((next = groupNode(words.slice(0, i + 1))));
      parent = next;
    });
    return parent;
  };
  for (const op of operations) {
    const words = op.cli.words;
    groupFor(words.slice(0, -1)).commands.push(operationNode(op, words[words.length - 1]!, false));
    // An operation that moved to another noun keeps its old words, hidden from help.
    for (const old of op.cli.aliases ?? []) groupFor(old.slice(0, -1)).commands.push(operationNode(op, old[old.length - 1]!, true));
  }
  return root;
}

/** The operation commands (and `berth console`) over a client: what the tests and the full binary use. */
export function buildProgram(deps: CliDeps): Command {
  const byName = new Map(deps.operations.map((op) => [op.name, op]));
  const program = programFromManifest(operationManifest(deps.operations), deps.io, deps.version, async (node, positionals, opts) => {
    if (node.run.kind !== 'operation') return;
    const op = byName.get(node.run.op.name)!;
    deps.io.exit(await runOperation({ io: deps.io, connect: deps.connect, operation: (name) => byName.get(name)! }, op, node.run.op, positionals as string[], opts));
  });
  registerConsole(program, deps);
  registerService(program, deps);
  return program;
}
