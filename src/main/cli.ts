import { CommanderError } from 'commander';
import { COMMAND_MANIFEST } from '../surfaces/cli/command-manifest.js';
import { bindingsOf, programFromManifest, type RunCommand } from '../surfaces/cli/manifest.js';
import type { CliIo } from '../surfaces/cli/output.js';
import { VERSION } from './version.js';

// The binary. Its commands come from the command manifest, so help and completion load no
// catalogue; a command loads only what it runs: an operation call the client, a command written
// in code (`up`, `serve`, `mcp`, `console`) the full program (src/main/cli-program.ts).

const io: CliIo = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n'),
  exit: (code) => {
    process.exitCode = code;
  },
};

const SERVE = COMMAND_MANIFEST.commands.find((c) => c.name === 'serve');

const run: RunCommand = async (node, positionals, opts) => {
  if (node.run.kind === 'operation') {
    const [{ runOperation }, { connect }] = await Promise.all([import('../surfaces/cli/run-operation.js'), import('../surfaces/client/connect.js')]);
    const bindings = bindingsOf(COMMAND_MANIFEST);
    const operation = (name: string) => bindings.get(name)!;
    io.exit(await runOperation({ io, connect: () => connect(), operation }, node.run.op, node.run.op, positionals as string[], opts));
  } else if (node.run.kind === 'completion') {
    const { completionScript } = await import('../surfaces/cli/completion.js');
    io.out(completionScript(positionals[0] as 'bash', COMMAND_MANIFEST));
  } else if (node === SERVE) {
    // The control plane loads its own code: the full program (every command) would only parse again.
    const { serveCommand } = await import('./serve-command.js');
    await serveCommand(opts);
  } else {
    const [{ fullProgram }, { connect }] = await Promise.all([import('./cli-program.js'), import('../surfaces/client/connect.js')]);
    await fullProgram({ io, connect: () => connect(), version: VERSION }).parseAsync(process.argv);
  }
};

try {
  await programFromManifest(COMMAND_MANIFEST, io, VERSION, run, process.argv.slice(2)).parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    const { emit, errorResult } = await import('../surfaces/cli/output.js');
    process.exitCode = emit(io, process.argv.includes('--json'), errorResult(err));
  }
}
