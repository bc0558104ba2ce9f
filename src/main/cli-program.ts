import { Argument, type Command } from 'commander';
import { packSource } from '../adapters/sources/pack.js';
import { OPERATIONS } from '../operations/catalogue.js';
import { completionScript, SHELLS, type Shell } from '../surfaces/cli/completion.js';
import { EXAMPLES } from '../surfaces/cli/examples.js';
import { addHelpAfter, describeProgram, fromCatalogue, markCommand } from '../surfaces/cli/manifest.js';
import { buildProgram, type CliIo } from '../surfaces/cli/program.js';
import { registerUp } from '../surfaces/cli/up.js';
import type { ApiClient } from '../surfaces/client/api-client.js';
import { SERVE_STOPPING_HELP, SERVE_TRANSPORT_HELP } from './serve-help.js';
import type { ServeFlags } from './serve-command.js';

// The whole CLI with every command's code: the operation commands, `berth up` and `plan`, the
// control plane (`serve`), MCP, the console link and completion. The command manifest is
// generated from it; the binary loads it only for a command that is not an operation call.

export interface FullProgramDeps {
  io: CliIo;
  connect: () => Promise<ApiClient>;
  version: string;
}

const NOTES: Record<string, string> = { serve: SERVE_TRANSPORT_HELP + SERVE_STOPPING_HELP };

export function fullProgram(deps: FullProgramDeps): Command {
  const { io, connect, version } = deps;
  const program = buildProgram({ operations: OPERATIONS, connect, io, version });
  registerUp(program, { io, connect, op: (name) => OPERATIONS.find((o) => o.name === name)!, packSource: (source) => packSource(source) });

  program
    .command('serve')
    .description('Run the control plane: HTTP API, workers, console (owns the state store).')
    .option('--listen <host[:port]>', 'address to listen on (default 127.0.0.1:7420)')
    .option('--port <port>', 'port to listen on (0 picks a free one)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (chain) file (env BERTH_TLS_CERT)')
    .option('--tls-key <file>', 'the PEM private key of --tls-cert (env BERTH_TLS_KEY)')
    .option('--insecure-http', 'allow plain HTTP beyond loopback, bearer tokens in clear (env BERTH_INSECURE_HTTP=1)')
    .option('--public-url <url>', 'the https origin clients reach the API at; without --tls-cert the edge serves it, with a certificate by ACME (env BERTH_PUBLIC_URL)')
    .option('--json', 'print errors as JSON')
    .option('--stop-proxy', 'also stop the edge proxy when the control plane stops (default: it keeps serving)')
    .action(async (opts: ServeFlags) => (await import('./serve-command.js')).serveCommand(opts));

  program
    .command('mcp')
    .description('Serve the Berth operations as MCP tools over stdio (a client of the control plane).')
    .action(async () => {
      const { createMcpServer, serveMcpOverStdio } = await import('../surfaces/mcp/server.js');
      await serveMcpOverStdio(createMcpServer(OPERATIONS, connect, version));
    });

  const completion = program
    .command('completion')
    .description('Print the shell completion script for bash, zsh or fish (source it, or save it where your shell loads completions).')
    .addArgument(new Argument('<shell>', 'the shell to complete for').choices(SHELLS))
    .action((shell: Shell) => io.out(completionScript(shell, describeProgram(program))));
  markCommand(completion, { run: { kind: 'completion' } });

  // Commands written here (not from the catalogue) get their notes and examples the same way.
  const walk = (cmd: Command, path: string[]): void => {
    for (const sub of cmd.commands) {
      const words = [...path, sub.name()].join(' ');
      const examples = EXAMPLES[words];
      if (examples && !fromCatalogue(sub)) {
        markCommand(sub, { examples, notes: NOTES[words] ?? '' });
        addHelpAfter(sub, NOTES[words] ?? '', examples);
      }
      walk(sub, [...path, sub.name()]);
    }
  };
  walk(program, []);
  return program;
}
