import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BerthError } from '../../core/errors/berth-error.js';
import { sleep } from '../../core/time/delay.js';
import { ApiClient, type Connection } from './api-client.js';
import { berthHome, processAlive, readControlPlaneState } from './state-file.js';

const START_TIMEOUT_MS = 30_000;
const BIN = fileURLToPath(new URL('../../../bin/berth.js', import.meta.url));

/**
 * The control plane this CLI talks to: BERTH_URL + BERTH_TOKEN when set; otherwise the local
 * `berth serve`, started in the background on first use and reused afterwards (a dead pid is
 * detected and replaced), the way `docker` relies on `dockerd`.
 */
export async function connect(env: NodeJS.ProcessEnv = process.env): Promise<ApiClient> {
  if (env.BERTH_URL) return new ApiClient({ url: env.BERTH_URL, token: env.BERTH_TOKEN ?? '', remote: true });
  const home = berthHome(env);
  const running = await liveLocal(home);
  if (running) return new ApiClient(running);
  return new ApiClient(await startLocal(home, env));
}

async function liveLocal(home: string): Promise<Connection | undefined> {
  const state = readControlPlaneState(home);
  if (!state || !processAlive(state.pid)) return undefined;
  const client = new ApiClient({ url: state.url, token: state.token });
  try {
    const res = await client.raw('GET', '/api/health');
    return res.status === 200 ? { url: state.url, token: state.token } : undefined;
  } catch {
    return undefined;
  }
}

async function startLocal(home: string, env: NodeJS.ProcessEnv): Promise<Connection> {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const logFile = join(home, 'serve.log');
  const out = openSync(logFile, 'a', 0o600);
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...env, BERTH_HOME: home },
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    // Another CLI may have started one at the same moment: whichever answers wins.
    const running = await liveLocal(home);
    if (running) return running;
    if (exited) {
      await sleep(200);
      const other = await liveLocal(home);
      if (other) return other;
      throw new BerthError('control_plane_unreachable', 'The local control plane exited during startup.', { logFile, reason: 'exited' });
    }
    await sleep(50);
  }
  throw new BerthError('control_plane_unreachable', 'The local control plane did not start in time.', { logFile, reason: 'timeout' });
}

