import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { readStartProgress } from '../../src/surfaces/client/start-progress.js';
import { processAlive, readControlPlaneState } from '../../src/surfaces/client/state-file.js';
import { runCli } from '../support/cli.js';
import { BIN } from '../support/paths.js';
import { freshStore } from '../support/store.js';

// The CLI's wait for a control plane it started follows the start's progress (stages, CPU time),
// not a fixed timeout: a slow start that keeps working is waited for; one that stops is given up
// in bounded time. BERTH_TEST_SLOW_START_MS simulates a slow machine (the serve process keeps the
// CPU busy before it opens the store); BERTH_START_STALL_MS shortens the stall window to 2 s.
describe('waiting for a starting local control plane', () => {
  const started: number[] = [];
  afterAll(() => {
    for (const pid of started) {
      if (!processAlive(pid)) continue;
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
    }
  });

  const envOf = (home: string, databaseUrl: string | undefined, slowMs: number) => ({
    ...process.env,
    BERTH_PROXY_BOOTSTRAP: 'false',
    BERTH_HOME: home,
    BERTH_DATABASE_URL: databaseUrl ?? '',
    BERTH_URL: '',
    BERTH_TOKEN: '',
    BERTH_START_STALL_MS: '2000',
    BERTH_TEST_SLOW_START_MS: String(slowMs),
  });

  it('a start slower than the stall window that keeps working succeeds', async () => {
    const store = await freshStore();
    const t0 = Date.now();
    const res = await runCli(['system', 'health', '--json'], envOf(store.home, store.databaseUrl, 5000));
    const pid = readControlPlaneState(store.home)?.pid;
    if (pid) started.push(pid);
    expect(res.code).toBe(0);
    expect(Date.now() - t0).toBeGreaterThan(5000);
    expect(res.json<{ pid: number }>().pid).toBe(pid);
    expect(readStartProgress(store.home)).toBeUndefined(); // removed once listening
  });

  it('a start that stops making progress is control_plane_unreachable (stalled, with its stage) in bounded time', async () => {
    const store = await freshStore();
    const t0 = Date.now();
    const cli = runCli(['system', 'health', '--json'], envOf(store.home, store.databaseUrl, 20_000));
    // Freeze the serve process while it reports its first stage: alive, but doing nothing.
    let progress = readStartProgress(store.home);
    while (!progress) {
      await new Promise((r) => setTimeout(r, 20));
      progress = readStartProgress(store.home);
    }
    started.push(progress.pid);
    process.kill(progress.pid, 'SIGSTOP');
    const res = await cli;
    expect(res.code).toBe(7);
    const error = res.json<{ error: { code: string; details: { reason: string; stage: string } } }>().error;
    expect(error.code).toBe('control_plane_unreachable');
    expect(error.details.reason).toBe('stalled');
    expect(error.details.stage).toBe('starting');
    expect(Date.now() - t0).toBeLessThan(12_000);
    expect(processAlive(progress.pid)).toBe(true); // given up on, not killed: its log says why
  });

  it('berth serve in the foreground reports its stages and clears them once listening', async () => {
    const store = await freshStore();
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env: envOf(store.home, store.databaseUrl, 1500), stdio: 'ignore' });
    started.push(child.pid!);
    const seen = new Set<string>();
    while (readControlPlaneState(store.home)?.pid !== child.pid) {
      const p = readStartProgress(store.home);
      if (p && p.pid === child.pid) seen.add(p.stage);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(seen.has('starting')).toBe(true);
    expect(readStartProgress(store.home)).toBeUndefined();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  });
});
