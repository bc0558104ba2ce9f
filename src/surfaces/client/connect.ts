import { spawn } from 'node:child_process';
import { mkdirSync, openSync, watch } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BerthError } from '../../core/errors/berth-error.js';
import { sleep } from '../../core/time/delay.js';
import { processCpuTicks } from '../../platform/process-cpu.js';
import { ApiClient, type Connection } from './api-client.js';
import { readStartProgress } from './start-progress.js';
import { berthHome, processAlive, readControlPlaneState } from './state-file.js';
import { clientTrust, type ClientTrust } from './tls-trust.js';

/**
 * How long a starting control plane may go without progress (a new start stage, or CPU time
 * used) before the CLI gives up on it; BERTH_START_STALL_MS overrides it. There is no overall
 * bound: a slow machine only makes the start longer.
 */
const START_STALL_MS = 15_000;
const BIN = fileURLToPath(new URL('../../../bin/berth.js', import.meta.url));

/**
 * The control plane this CLI talks to: BERTH_URL + BERTH_TOKEN when set; otherwise the local
 * `berth serve`, started in the background on first use and reused afterwards (a dead pid is
 * detected and replaced), the way `docker` relies on `dockerd`. An https control plane is
 * verified against the system store plus BERTH_CA_CERT, for the local one too.
 */
export async function connect(env: NodeJS.ProcessEnv = process.env): Promise<ApiClient> {
  const trust = clientTrust(env);
  if (env.BERTH_URL) return new ApiClient({ url: env.BERTH_URL, token: env.BERTH_TOKEN ?? '', remote: true, trust });
  const home = berthHome(env);
  const running = await liveLocal(home, trust);
  if (running) return new ApiClient(running);
  return new ApiClient(await startLocal(home, env, trust));
}

async function liveLocal(home: string, trust: ClientTrust): Promise<Connection | undefined> {
  const state = readControlPlaneState(home);
  if (!state || !processAlive(state.pid)) return undefined;
  const connection = { url: state.url, token: state.token, trust };
  try {
    const res = await new ApiClient(connection).raw('GET', '/api/health');
    return res.status === 200 ? connection : undefined;
  } catch (err) {
    // A live local control plane whose certificate is not trusted is refused, not replaced.
    if (err instanceof BerthError && err.code === 'control_plane_tls_untrusted') throw err;
    return undefined;
  }
}

async function startLocal(home: string, env: NodeJS.ProcessEnv, trust: ClientTrust): Promise<Connection> {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const logFile = join(home, 'serve.log');
  const out = openSync(logFile, 'a', 0o600);
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
    detached: true,
    stdio: ['ignore', out, out],
    // The background control plane rotates this log by size while it runs (main/serve-log.ts).
    env: { ...env, BERTH_HOME: home, BERTH_SERVE_LOG: logFile },
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  child.unref();
  const stallMs = Number(env.BERTH_START_STALL_MS) || START_STALL_MS;
  const watchProgress = progressWatch();
  const changed = homeChanges(home);
  try {
    for (;;) {
      // Another CLI may have started one at the same moment: whichever answers wins.
      const running = await liveLocal(home, trust);
      if (running) return running;
      const progress = readStartProgress(home);
      // Our own start while it runs; once it exited (it lost the store lock to another start), that one.
      const followed = !exited ? child.pid! : progress && progress.pid !== child.pid && processAlive(progress.pid) ? progress.pid : undefined;
      if (followed === undefined) {
        await sleep(200);
        const other = await liveLocal(home, trust);
        if (other) return other;
        throw new BerthError('control_plane_unreachable', 'The local control plane exited during startup.', { logFile, reason: 'exited' });
      }
      const stage = progress?.pid === followed ? progress.stage : undefined;
      if (watchProgress(followed, stage) > stallMs) {
        throw new BerthError('control_plane_unreachable', 'The local control plane stopped making progress while starting.', { logFile, reason: 'stalled', ...(stage ? { stage } : {}) });
      }
      await changed.next(POLL_MS);
    }
  } finally {
    changed.close();
  }
}

/** The longest the wait sleeps between looks; a change in the home (a new stage, the state file) wakes it at once. */
const POLL_MS = 50;

/**
 * Waits for the next change among the home's files, or `ms` at most: the state file appears the
 * moment the control plane listens, so the CLI sees it without a poll interval's delay. Where the
 * directory cannot be watched, it is a plain sleep.
 */
function homeChanges(home: string): { next(ms: number): Promise<void>; close(): void } {
  let changed = false;
  let wake: (() => void) | undefined;
  let watcher: ReturnType<typeof watch> | undefined;
  try {
    watcher = watch(home, () => {
      changed = true;
      wake?.();
    });
    watcher.on('error', () => undefined);
  } catch {
    watcher = undefined;
  }
  return {
    next: async (ms) => {
      // A change wakes the wait early; one seen while the caller was looking counts too.
      const early = new AbortController();
      wake = () => early.abort();
      if (changed) early.abort();
      await sleep(ms, early.signal).catch(() => undefined);
      changed = false;
      wake = undefined;
    },
    close: () => watcher?.close(),
  };
}

/** Milliseconds since the followed process last moved: a new pid or stage, or more CPU time used. */
function progressWatch(): (pid: number, stage: string | undefined) => number {
  let last = '';
  let movedAt = Date.now();
  return (pid, stage) => {
    const now = `${pid}/${stage}/${processCpuTicks(pid)}`;
    if (now !== last) {
      last = now;
      movedAt = Date.now();
    }
    return Date.now() - movedAt;
  };
}
