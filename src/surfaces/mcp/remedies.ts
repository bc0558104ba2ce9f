import type { ErrorObject, Remedy } from '../../core/errors/types.js';
import { toolName, type Operation } from '../../operations/operation.js';

// The catalogue phrases remedies for the CLI (`berth deployments cancel <id> --confirm <id>`). An
// agent on MCP acts through tool calls, so its remedies are rewritten mechanically from the same
// operation catalogue the CLI is derived from: a command becomes `tools/call <tool> {arguments}`,
// a `--flag` in a title becomes the argument name.

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Shell-like words: single and double quotes group, as in the catalogue's commands. */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

function valueOf(raw: string): unknown {
  if (/^\d+$/.test(raw)) return Number(raw);
  if (/^[[{]/.test(raw)) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

/** The operation a `berth ...` command runs: the longest match of its CLI words. */
function operationOf(tokens: string[], operations: readonly Operation[]): Operation | undefined {
  let best: Operation | undefined;
  for (const op of operations) {
    const w = op.cli.words;
    if (w.length <= tokens.length && w.every((word, i) => tokens[i] === word) && w.length > (best?.cli.words.length ?? 0)) best = op;
  }
  return best;
}

/** `tools/call <tool> {...}` for a `berth ...` command; undefined when no tool runs it. */
export function toolCallFor(command: string, operations: readonly Operation[]): string | undefined {
  const tokens = words(command.trim());
  if (tokens[0] !== 'berth') return undefined;
  const rest = tokens.slice(1);
  const op = operationOf(rest, operations);
  if (!op) return rest.includes('--help') ? 'tools/list' : undefined;
  const args: Record<string, unknown> = {};
  const fields = new Set(Object.keys((op.input as unknown as { shape?: object }).shape ?? {}));
  const positionals = [...(op.cli.positionals ?? [])];
  const after = rest.slice(op.cli.words.length);
  for (let i = 0; i < after.length; i++) {
    const token = after[i]!;
    if (token.startsWith('--')) {
      const name = camel(token.slice(2));
      const next = after[i + 1];
      const value = next === undefined || next.startsWith('--') ? true : valueOf(next);
      if (value !== true) i++;
      // CLI-only flags (--json, --follow) are not tool arguments.
      if (fields.has(name)) args[name] = value;
    } else {
      const field = positionals.shift();
      if (field) args[field] = valueOf(token);
    }
  }
  return `tools/call ${toolName(op)} ${JSON.stringify(args)}`;
}

/** A title's CLI spellings in MCP terms: `--resource-id` is the argument `resourceId`, `berth x` its tool. */
function titleFor(title: string, operations: readonly Operation[]): string {
  return title
    .replace(/`(berth [^`]+)`/g, (whole, command: string) => {
      const call = toolCallFor(command, operations);
      return call ? `\`${call}\`` : whole;
    })
    .replace(/(^|[\s(])--([a-z][a-z0-9-]*)/g, (_m, lead: string, flag: string) => `${lead}\`${camel(flag)}\``);
}

const API_LISTING = /openapi\.json|--help/;

export function remediesForMcp(remedies: readonly Remedy[], operations: readonly Operation[]): Remedy[] {
  return remedies.map((remedy) => {
    const title = titleFor(remedy.title, operations);
    if (!remedy.command) return { ...remedy, title };
    const call = toolCallFor(remedy.command, operations) ?? (API_LISTING.test(remedy.command) ? 'tools/list' : undefined);
    if (call) return { ...remedy, title, command: call };
    // A shell command that is not Berth's (git, curl): an agent may still run it where it has a shell.
    if (!remedy.command.startsWith('berth ')) return { ...remedy, title };
    const { command: _dropped, ...rest } = remedy;
    return { ...rest, title };
  });
}

export function errorForMcp(error: ErrorObject, operations: readonly Operation[]): ErrorObject {
  return { ...error, remedies: remediesForMcp(error.remedies, operations) };
}
