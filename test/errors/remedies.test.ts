import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, ERROR_CODES } from '../../src/core/errors/catalogue.js';
import type { Remedy } from '../../src/core/errors/types.js';
import { OPERATIONS } from '../../src/operations/catalogue.js';
import { toolName } from '../../src/operations/operation.js';
import { buildProgram } from '../../src/surfaces/cli/program.js';
import { registerUp } from '../../src/surfaces/cli/up.js';
import { remediesForMcp, toolCallFor } from '../../src/surfaces/mcp/remedies.js';

// A remedy is a promise: the command it names runs as written. CLI remedies are checked against
// the real CLI program (commands, options, JSON-valued options); MCP renderings against the tools.

/** Every remedy of the catalogue, with where it comes from: the code's defaults and each phase. */
function allRemedies(): { where: string; remedy: Remedy }[] {
  return ERROR_CODES.flatMap((code) => {
    const spec = CATALOGUE[code] as { remedies: Remedy[]; byPhase?: Record<string, { remedies?: Remedy[] }>; byReason?: Record<string, { remedies?: Remedy[] }> };
    return [
      ...spec.remedies.map((remedy) => ({ where: code, remedy })),
      ...Object.entries(spec.byPhase ?? {}).flatMap(([phase, k]) => (k.remedies ?? []).map((remedy) => ({ where: `${code}@${phase}`, remedy }))),
      ...Object.entries(spec.byReason ?? {}).flatMap(([reason, k]) => (k.remedies ?? []).map((remedy) => ({ where: `${code}#${reason}`, remedy }))),
    ];
  });
}

const words = (command: string) => [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
const isPlaceholder = (word: string) => /^<[^>]+>$/.test(word);

function cliProgram(): Command {
  const io = { out: () => undefined, err: () => undefined, exit: () => undefined };
  const program = buildProgram({ operations: OPERATIONS, connect: async () => undefined as never, io, version: 'test' });
  registerUp(program, { io, connect: async () => undefined as never, op: (name) => OPERATIONS.find((o) => o.name === name)!, packSource: async () => undefined });
  // Registered by the binary itself (src/main/cli.ts), with no options a remedy uses.
  program.command('serve');
  program.command('mcp');
  return program;
}

/** Why a `berth ...` command would not run as written, or undefined when it would. */
function cliProblem(program: Command, command: string): string | undefined {
  const tokens = words(command).slice(1);
  let cmd: Command = program;
  let i = 0;
  for (; i < tokens.length && !tokens[i]!.startsWith('-'); i++) {
    const sub = cmd.commands.find((c) => c.name() === tokens[i] || c.aliases().includes(tokens[i]!));
    if (!sub) break;
    cmd = sub;
  }
  if (cmd === program) return tokens[0] && isPlaceholder(tokens[0]) ? undefined : `no command ${tokens[0]}`;
  if (cmd.commands.length > 0 && tokens[i] && !tokens[i]!.startsWith('-')) return `no subcommand ${tokens[i]} of ${cmd.name()}`;
  for (; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.startsWith('--')) continue;
    if (token === '--help') continue;
    const option = cmd.options.find((o) => o.long === token);
    if (!option) return `no option ${token} on ${cmd.name()}`;
    const next = tokens[i + 1];
    if (option.optional && (next === undefined || next.startsWith('--'))) continue;
    if (option.required || option.optional) {
      const value = tokens[++i];
      if (value === undefined) return `${token} needs a value`;
      if (option.flags.includes('<json>') && !/^[[{]/.test(value)) return `${token} takes JSON, got ${value}`;
    }
  }
  return undefined;
}

describe('remedies say what can be run', () => {
  const remedies = allRemedies();

  it('every `berth` command in a remedy exists, with the options and value forms the CLI takes', () => {
    const program = cliProgram();
    const problems = remedies
      .filter(({ remedy }) => remedy.command?.startsWith('berth '))
      .map(({ where, remedy }) => [where, remedy.command!, cliProblem(program, remedy.command!)] as const)
      .filter(([, , problem]) => problem !== undefined);
    expect(problems).toEqual([]);
  });

  it('on MCP every remedy is phrased as a tool call or tools/list, never a CLI command or flag', () => {
    const tools = new Map(OPERATIONS.map((op) => [toolName(op), op]));
    for (const { where, remedy } of remedies) {
      for (const rendered of remediesForMcp([remedy], OPERATIONS)) {
        expect(rendered.title, where).not.toMatch(/(^|\s)--[a-z]/);
        // A CLI-only command (`berth up`, `berth serve`) may be named; one a tool runs is a tool call.
        for (const [, named] of rendered.title.matchAll(/`(berth [^`]+)`/g)) expect(toolCallFor(named!, OPERATIONS), `${where}: ${named}`).toBeUndefined();
        if (!rendered.command) continue;
        expect(rendered.command, where).not.toMatch(/^berth /);
        expect(rendered.command, where).not.toMatch(/\s--[a-z]/);
        const call = /^tools\/call (\S+) (.*)$/.exec(rendered.command);
        if (!call) continue;
        const op = tools.get(call[1]!);
        expect(op, `${where}: ${call[1]}`).toBeDefined();
        const fields = Object.keys((op!.input as unknown as { shape: object }).shape);
        for (const arg of Object.keys(JSON.parse(call[2]!) as object)) expect(fields, `${where}: ${arg}`).toContain(arg);
      }
    }
  });

  it('the unknown-tool and the input-schema remedies point to tools/list on MCP', () => {
    for (const code of ['operation_not_found', 'validation_failed'] as const) {
      const commands = remediesForMcp(CATALOGUE[code].remedies, OPERATIONS).map((r) => r.command);
      expect(commands).toContain('tools/list');
    }
    const confirm = remediesForMcp(CATALOGUE.confirmation_mismatch.remedies, OPERATIONS);
    expect(confirm[0]!.title).toContain('`confirm`');
  });
});
