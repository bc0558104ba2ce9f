import { afterAll, describe, expect, it } from 'vitest';
import { readControlPlaneState, processAlive } from '../../src/surfaces/client/state-file.js';
import { runCli } from '../support/cli.js';
import { freshStore } from '../support/store.js';

describe('local control plane on demand', () => {
  const started: number[] = [];
  afterAll(() => {
    for (const pid of started) if (processAlive(pid)) process.kill(pid, 'SIGTERM');
  });

  it('the first CLI call starts berth serve in the background; the second reuses it; a dead one is replaced', async () => {
    const store = await freshStore();
    const env = { ...process.env, BERTH_PROXY_BOOTSTRAP: 'false', BERTH_HOME: store.home, BERTH_DATABASE_URL: store.databaseUrl ?? '', BERTH_URL: '', BERTH_TOKEN: '' };
    expect(readControlPlaneState(store.home)).toBeUndefined();

    const first = await runCli(['system', 'health', '--json'], env);
    expect(first.code).toBe(0);
    const firstPid = first.json<{ pid: number }>().pid;
    started.push(firstPid);
    expect(firstPid).not.toBe(process.pid);
    expect(readControlPlaneState(store.home)?.pid).toBe(firstPid);

    const second = await runCli(['system', 'health', '--json'], env);
    expect(second.json<{ pid: number }>().pid).toBe(firstPid);

    process.kill(firstPid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const third = await runCli(['resource', 'list', '--json'], env);
    expect(third.code).toBe(0);
    const state = readControlPlaneState(store.home)!;
    started.push(state.pid);
    expect(state.pid).not.toBe(firstPid);
    expect(processAlive(state.pid)).toBe(true);
  });

  it('an unreachable BERTH_URL is control_plane_unreachable', async () => {
    const res = await runCli(['resource', 'list', '--json'], { ...process.env, BERTH_URL: 'http://127.0.0.1:9', BERTH_TOKEN: 'x' });
    expect(res.code).toBe(7);
    expect(res.json<{ error: { code: string } }>().error.code).toBe('control_plane_unreachable');
  });
});
