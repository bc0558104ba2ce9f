import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { issueSignInLink } from '../../operations/sessions/sessions.js';
import type { ApiClient } from '../client/api-client.js';
import { emit, errorResult, type CliIo } from './output.js';

export interface ConsoleCommandDeps {
  io: CliIo;
  connect: () => Promise<ApiClient>;
}

/** The command that opens a URL on this desktop, or none where no browser can show it (SSH, CI). */
function opener(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (process.platform === 'darwin') return 'open';
  if (process.platform === 'win32') return undefined;
  return env.DISPLAY || env.WAYLAND_DISPLAY ? 'xdg-open' : undefined;
}

function openInBrowser(url: string): boolean {
  const command = opener();
  if (!command) return false;
  try {
    const child = spawn(command, [url], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}

/** `berth console`: a one-time sign-in link to the web console of the control plane. */
export function registerConsole(program: Command, deps: ConsoleCommandDeps): void {
  program
    .command('console')
    .description('Print a one-time sign-in link to the web console (valid 10 minutes, once) and open it where a browser exists.')
    .option('--no-open', 'only print the link')
    .option('--json', 'print { url, expiresAt, sessionId } as JSON')
    .action(async (opts: { open: boolean; json?: boolean }) => {
      const json = opts.json === true;
      try {
        const client = await deps.connect();
        const result = await client.call(issueSignInLink, {});
        if (!result.ok) return deps.io.exit(emit(deps.io, json, result));
        const link = result.data as { path: string; expiresAt: string; sessionId: string };
        const url = new URL(link.path, client.connection.url).toString();
        const opened = opts.open && !json ? openInBrowser(url) : false;
        if (json) deps.io.out(JSON.stringify({ url, expiresAt: link.expiresAt, sessionId: link.sessionId }));
        else deps.io.out(`${opened ? 'Opening' : 'Open'} the console (this link signs in once, until ${link.expiresAt}):\n  ${url}`);
        deps.io.exit(0);
      } catch (err) {
        deps.io.exit(emit(deps.io, json, errorResult(err)));
      }
    });
}
