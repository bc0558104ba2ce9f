import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CaddyEdgeProxy } from '../../src/adapters/proxy/caddy-edge-proxy.js';
import { processAlive } from '../../src/platform/process-alive.js';
import { readControlPlaneState } from '../../src/surfaces/client/state-file.js';
import { runCli } from '../support/cli.js';
import { startTestControlPlane } from '../support/control-plane.js';
import { BIN } from '../support/paths.js';
import { freePort } from '../support/ports.js';
import { proxyHome } from '../support/proxy.js';
import { freshStore } from '../support/store.js';

// The edge proxy outlives `berth serve` (zero downtime across control plane restarts); these
// are the ways it is stopped, and how doctor finds edges that nothing will ever stop.

type Check = { name: string; status: string; detail: Record<string, unknown>; error?: { code: string } };

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const gone = async (pid: number | undefined) => {
  for (let i = 0; pid && processAlive(pid) && i < 200; i++) await new Promise((r) => setTimeout(r, 25));
  return !pid || !processAlive(pid);
};

async function doctorEdgePort(plane: { client: { raw(m: string, p: string): Promise<{ body: string }> } }): Promise<Check> {
  const res = await plane.client.raw('GET', '/api/doctor');
  return (JSON.parse(res.body).checks as Check[]).find((c) => c.name === 'edge-port')!;
}

describe('the edge proxy outside the control plane', () => {
  it('berth doctor reports an orphaned Berth edge and a foreign listener on the edge port', async () => {
    const plane = await startTestControlPlane();
    cleanups.push(() => plane.close());
    expect(await doctorEdgePort(plane)).toMatchObject({ status: 'ok', detail: { httpPort: plane.httpPort, listeners: [] } });

    // Another home's edge on this port, then its home deleted (what bench/cli-cold-start did).
    const orphanHome = proxyHome();
    const orphan = new CaddyEdgeProxy({ home: orphanHome, httpPort: plane.httpPort });
    await orphan.ensureRunning();
    const { edge: orphanPid, switch: orphanSwitch } = orphan.pids() as { edge: number; switch: number };
    // Its pid files go with its home: only the pids can stop it now.
    cleanups.push(() => [orphanPid, orphanSwitch].forEach((pid) => processAlive(pid) && process.kill(pid, 'SIGKILL')));
    rmSync(orphanHome, { recursive: true, force: true });
    expect(await doctorEdgePort(plane)).toMatchObject({
      status: 'failing',
      error: { code: 'proxy_unavailable' },
      detail: { httpPort: plane.httpPort, listeners: [{ pid: orphanPid, kind: 'orphaned-berth-edge', home: orphanHome }] },
    });
    process.kill(orphanPid, 'SIGKILL');
    expect(await gone(orphanPid)).toBe(true);

    const squatter = spawn(process.execPath, ['-e', `require('net').createServer().listen(${plane.httpPort}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => squatter.kill('SIGKILL'));
    await new Promise((resolve) => squatter.stdout!.once('data', resolve));
    expect(await doctorEdgePort(plane)).toMatchObject({ status: 'failing', detail: { listeners: [{ pid: squatter.pid, kind: 'foreign' }] } });
  });

  it('berth proxy stop stops both Caddy processes of this home and records it', async () => {
    const plane = await startTestControlPlane();
    cleanups.push(() => plane.close());
    await plane.targets.local.proxy.ensureRunning();
    const before = plane.targets.local.proxy.pids();
    expect(before.edge && before.switch).toBeTruthy();

    const res = await runCli(['proxy', 'stop', '--json'], plane.cliEnv);
    expect(res.code).toBe(0);
    expect(res.json()).toMatchObject({ httpPort: plane.httpPort, stopped: { edge: before.edge, switch: before.switch } });
    expect(await gone(before.edge)).toBe(true);
    expect(await gone(before.switch)).toBe(true);
    const { serverId } = res.json<{ serverId: string }>();
    expect((await plane.store.audit.list(serverId)).map((e) => e.type)).toContain('proxy.stopped');

    // Nothing left to stop: the same answer shape, with nulls.
    expect((await runCli(['proxy', 'stop', '--json'], plane.cliEnv)).json()).toMatchObject({ stopped: { edge: null, switch: null } });
  });

  /** `berth serve` as a process with the proxy started at boot; resolves once the edge runs. */
  async function serve(args: string[]): Promise<{ child: ChildProcess; home: string; edge: number; switch: number }> {
    const store = await freshStore();
    const env = { ...process.env, BERTH_HOME: store.home, BERTH_DATABASE_URL: store.databaseUrl ?? '', BERTH_HTTP_PORT: String(await freePort()), BERTH_PROXY_BOOTSTRAP: 'true' };
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { env, stdio: 'ignore' });
    cleanups.push(() => new CaddyEdgeProxy({ home: store.home }).stop());
    cleanups.push(() => child.exitCode === null && child.kill('SIGKILL'));
    const pidOf = (name: string) => Number(readFileSync(join(store.home, 'proxy', `${name}.pid`), 'utf8'));
    for (let i = 0; i < 600; i++) {
      try {
        const [edge, sw] = [pidOf('edge'), pidOf('switch')];
        if (readControlPlaneState(store.home)?.pid === child.pid && (await new CaddyEdgeProxy({ home: store.home }).probe()).ok) return { child, home: store.home, edge, switch: sw };
      } catch {
        // not started yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('berth serve did not start its proxy');
  }

  const terminate = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    });

  it('SIGTERM stops berth serve and leaves the edge proxy serving; with --stop-proxy it stops the proxy too', async () => {
    const kept = await serve([]);
    expect(await terminate(kept.child)).toBe(0);
    expect(processAlive(kept.edge) && processAlive(kept.switch)).toBe(true);

    const stopped = await serve(['--stop-proxy']);
    expect(await terminate(stopped.child)).toBe(0);
    expect(await gone(stopped.edge)).toBe(true);
    expect(await gone(stopped.switch)).toBe(true);
  });
});
