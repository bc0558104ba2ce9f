import { spawn, type ChildProcess } from 'node:child_process';
import { ApiClient } from '../../src/surfaces/client/api-client.js';
import { readControlPlaneState } from '../../src/surfaces/client/state-file.js';
import { BIN } from './paths.js';

/** `berth serve` as a real process (for crash tests: it can be killed -9). */
export async function startServeProcess(env: NodeJS.ProcessEnv, home: string): Promise<{ child: ChildProcess; client: ApiClient; pid: number }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env: { ...process.env, ...env, BERTH_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const state = readControlPlaneState(home);
    if (state && state.pid === child.pid) {
      const client = new ApiClient({ url: state.url, token: state.token });
      try {
        if ((await client.raw('GET', '/api/health')).status === 200) return { child, client, pid: child.pid! };
      } catch {
        // not listening yet
      }
    }
    if (child.exitCode !== null) throw new Error(`berth serve exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`berth serve did not start: ${stderr}`);
}
