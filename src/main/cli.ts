import { CommanderError } from 'commander';
import { packSource } from '../adapters/sources/pack.js';
import { OPERATIONS } from '../operations/catalogue.js';
import { connect } from '../surfaces/client/connect.js';
import { buildProgram, emit, errorResult, type CliIo } from '../surfaces/cli/program.js';
import { registerUp } from '../surfaces/cli/up.js';
import { SERVE_STOPPING_HELP } from './serve-help.js';
import { VERSION } from './version.js';

const io: CliIo = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  exit: (code) => {
    process.exitCode = code;
  },
};

const program = buildProgram({ operations: OPERATIONS, connect: () => connect(), io, version: VERSION });

registerUp(program, { io, connect: () => connect(), op: (name) => OPERATIONS.find((o) => o.name === name)!, packSource: (source) => packSource(source) });

program
  .command('serve')
  .description('Run the control plane: HTTP API, workers, console (owns the state store).')
  .option('--listen <host[:port]>', 'address to listen on (default 127.0.0.1:7420)')
  .option('--port <port>', 'port to listen on (0 picks a free one)')
  .option('--json', 'print errors as JSON')
  .option('--stop-proxy', 'also stop the edge proxy when the control plane stops (default: it keeps serving)')
  .addHelpText('after', SERVE_STOPPING_HELP)
  .action(async (opts: { listen?: string; port?: string; json?: boolean; stopProxy?: boolean }) => {
    const { runServe } = await import('./serve-command.js');
    const code = await runServe(opts);
    if (code !== 0) {
      process.exitCode = code;
    }
  });

program
  .command('mcp')
  .description('Serve the Berth operations as MCP tools over stdio (a client of the control plane).')
  .action(async () => {
    const { createMcpServer, serveMcpOverStdio } = await import('../surfaces/mcp/server.js');
    await serveMcpOverStdio(createMcpServer(OPERATIONS, () => connect(), VERSION));
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    process.exitCode = emit(io, process.argv.includes('--json'), errorResult(err));
  }
}
