import { Argument, Command, Option } from 'commander';
import type { HttpMethod } from '../../operations/operation.js';
import type { OptionKind } from './options.js';

// The command manifest: the whole CLI as plain data (words, aliases, arguments, options, help,
// examples, and how each command runs). It is generated from the real program into
// command-manifest.json (checked fresh with the docs), so `berth --help`, completion and an
// operation call build their commands from it without loading the catalogue or its schemas.

/** What an operation command needs at run time: its route and how its flags become input. */
export interface OperationBinding {
  name: string;
  http: { method: HttpMethod; path: string };
  positionals: string[];
  fields: { field: string; flag: string; kind: OptionKind }[];
  files: string[];
  follow?: 'attempt';
  stream: boolean;
  /** Runs in the CLI itself, without a control plane (the error catalogue ships in the CLI). */
  offline: boolean;
}

/** How a command runs: an operation call, completion, or a command of the full program (`up`, `serve`...). */
export type CommandRun = { kind: 'operation'; op: OperationBinding } | { kind: 'completion' } | { kind: 'program' } | { kind: 'group' };

export interface ArgumentNode {
  name: string;
  description: string;
  required: boolean;
  choices?: string[];
}

export interface OptionNode {
  flags: string;
  description: string;
  defaultValue?: string | boolean | number;
  choices?: string[];
}

export interface CommandNode {
  name: string;
  aliases: string[];
  description: string;
  hidden: boolean;
  args: ArgumentNode[];
  options: OptionNode[];
  examples: string[];
  /** Notes printed after the help, before the examples. */
  notes: string;
  run: CommandRun;
  commands: CommandNode[];
}

/** How the program a manifest describes knows what a command runs and its examples. */
const META = new WeakMap<Command, { run?: CommandRun; examples?: string[]; notes?: string }>();

export function markCommand(cmd: Command, meta: { run?: CommandRun; examples?: string[]; notes?: string }): Command {
  META.set(cmd, { ...META.get(cmd), ...meta });
  return cmd;
}

/** True for a command built from a manifest node: it has its examples already. */
export const fromCatalogue = (cmd: Command): boolean => META.get(cmd)?.examples !== undefined;

export function examplesText(examples: readonly string[]): string {
  return examples.length === 0 ? '' : `\n${examples.length === 1 ? 'Example' : 'Examples'}:\n${examples.map((e) => `  ${e}`).join('\n')}`;
}

/** Adds the notes and examples after a command's help, the same way for every command. */
export function addHelpAfter(cmd: Command, notes: string, examples: readonly string[]): void {
  const text = `${notes}${examplesText(examples)}`;
  if (text) cmd.addHelpText('after', text);
}

/** The manifest of a program: every command, visible or hidden, with its run and examples. */
export function describeProgram(program: Command): CommandNode {
  return describe(program, program.createHelp().visibleCommands(program), true);
}

function describe(cmd: Command, visibleSiblings: readonly Command[], isRoot = false): CommandNode {
  const meta = META.get(cmd) ?? {};
  const visible = cmd.createHelp().visibleCommands(cmd);
  return {
    name: cmd.name(),
    aliases: cmd.aliases(),
    description: cmd.description(),
    hidden: !isRoot && !visibleSiblings.includes(cmd),
    args: cmd.registeredArguments.map((a) => ({ name: a.name(), description: a.description, required: a.required, ...(a.argChoices ? { choices: [...a.argChoices] } : {}) })),
    options: cmd.options
      .filter((o) => !(isRoot && o.long === '--version'))
      .map((o) => ({
        flags: o.flags,
        description: o.description,
        ...(o.defaultValue !== undefined ? { defaultValue: o.defaultValue as string } : {}),
        ...(o.argChoices ? { choices: [...o.argChoices] } : {}),
      })),
    examples: meta.examples ?? [],
    notes: meta.notes ?? '',
    run: meta.run ?? (cmd.commands.length > 0 ? { kind: 'group' } : { kind: 'program' }),
    commands: cmd.commands.filter((c) => c.name() !== 'help').map((c) => describe(c, visible)),
  };
}

/** Runs a leaf command of a manifest-built program: its node, positionals and parsed options. */
export type RunCommand = (node: CommandNode, positionals: unknown[], opts: Record<string, unknown>) => Promise<void>;

/**
 * Adds a manifest node's command under `parent` (arguments, options, help), with `run` as its
 * action. Subcommands are added only where `expand` says so: a command line needs the commands on
 * its path, and the names of the others for help.
 */
export function addNodeCommand(parent: Command, node: CommandNode, run: RunCommand, expand: (node: CommandNode) => boolean = () => true): Command {
  const cmd = new Command(node.name).description(node.description).copyInheritedSettings(parent);
  parent.addCommand(cmd, { hidden: node.hidden });
  for (const alias of node.aliases) cmd.alias(alias);
  for (const a of node.args) {
    const arg = new Argument(a.required ? `<${a.name}>` : `[${a.name}]`, a.description);
    if (a.choices) arg.choices(a.choices);
    cmd.addArgument(arg);
  }
  for (const o of node.options) {
    const option = new Option(o.flags, o.description);
    if (o.defaultValue !== undefined) option.default(o.defaultValue);
    if (o.choices) option.choices(o.choices);
    cmd.addOption(option);
  }
  addHelpAfter(cmd, node.notes, node.examples);
  markCommand(cmd, { run: node.run, examples: node.examples, notes: node.notes });
  if (expand(node)) for (const child of node.commands) addNodeCommand(cmd, child, run, expand);
  if (node.run.kind !== 'group') {
    cmd.action(async (...args: unknown[]) => {
      const opts = (args[node.args.length] ?? {}) as Record<string, unknown>;
      await run(node, args.slice(0, node.args.length), opts);
    });
  }
  return cmd;
}

/** The output every program shares: lines through `io`, and errors as exceptions (exit codes). */
export interface ProgramIo {
  out(text: string): void;
  err(text: string): void;
}

/** The commands a command line's words lead to (`berth help <words>` included). */
function commandPath(root: CommandNode, argv: readonly string[]): Set<CommandNode> {
  const words = argv[0] === 'help' ? argv.slice(1) : argv;
  const path = new Set<CommandNode>();
  let node = root;
  for (const word of words) {
    if (word.startsWith('-')) continue;
    const next = node.commands.find((c) => c.name === word || c.aliases.includes(word));
    if (!next) break;
    path.add(next);
    node = next;
  }
  return path;
}

/**
 * The root command with the commands of `root` under it: all of them, or with `argv` (the user's
 * words) only those on its path in full and the others by name, which is all help and parsing use.
 */
export function programFromManifest(root: CommandNode, io: ProgramIo, version: string, run: RunCommand, argv?: readonly string[]): Command {
  const path = argv ? commandPath(root, argv) : undefined;
  const expand = path ? (node: CommandNode) => path.has(node) : () => true;
  const program = new Command(root.name)
    .description(root.description)
    .version(version)
    .showHelpAfterError(false)
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .exitOverride();
  for (const node of root.commands) addNodeCommand(program, node, run, expand);
  return program;
}

/** Every operation binding of a manifest, by operation name. */
export function bindingsOf(root: CommandNode): Map<string, OperationBinding> {
  const out = new Map<string, OperationBinding>();
  const walk = (n: CommandNode) => {
    if (n.run.kind === 'operation' && !out.has(n.run.op.name)) out.set(n.run.op.name, n.run.op);
    n.commands.forEach(walk);
  };
  walk(root);
  return out;
}
