import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CaddyEdgeProxy } from '../../../src/adapters/proxy/caddy-edge-proxy.js';
import { listenersOn } from '../../../src/adapters/proxy/port-listeners.js';
import { processAlive } from '../../../src/platform/process-alive.js';
import { freePort, get, proxyHome, startUpstream, testProxy, type Upstream } from '../../support/proxy.js';

// Caddy binds with SO_REUSEPORT: without a check of its own, a second edge on the same port
// starts without an error and the kernel splits connections between the two.

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A process that is not Berth's holding `port` (a plain Node listener, no SO_REUSEPORT). */
async function squatter(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${port}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => child.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`squatter exited ${code}`)));
  });
  return child;
}

/** A Caddy outside Berth's control on `port`, with SO_REUSEPORT like every Caddy. */
async function strayCaddy(port: number): Promise<ChildProcess> {
  const home = proxyHome();
  const config = join(home, 'stray.json');
  writeFileSync(config, JSON.stringify({ admin: { disabled: true }, apps: { http: { servers: { s: { listen: [`:${port}`], automatic_https: { disable: true }, routes: [{ handle: [{ handler: 'static_response', body: 'stray' }] }] } } } } }));
  const child = spawn('caddy', ['run', '--config', config], { stdio: 'ignore', env: { ...process.env, XDG_DATA_HOME: home, XDG_CONFIG_HOME: home } });
  cleanups.push(() => child.kill('SIGKILL'));
  for (let i = 0; i < 200; i++) {
    if (listenersOn(port)?.some((l) => l.pid === child.pid)) return child;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('stray caddy did not start');
}

async function started(proxy: CaddyEdgeProxy): Promise<CaddyEdgeProxy> {
  cleanups.push(() => proxy.stop());
  await proxy.ensureRunning();
  return proxy;
}

async function upstream(body: string): Promise<Upstream> {
  const up = await startUpstream(body);
  cleanups.push(() => up.close());
  return up;
}

describe('edge proxy: it owns its port', () => {
  it('a port held by another process is proxy_unavailable naming that process, and nothing starts', async () => {
    const httpPort = await freePort();
    const holder = await squatter(httpPort);
    const proxy = await testProxy({ httpPort });
    cleanups.push(() => proxy.stop());
    await expect(proxy.ensureRunning()).rejects.toMatchObject({
      code: 'proxy_unavailable',
      phase: 'execute',
      details: { port: httpPort, holderPid: holder.pid, holderCommand: expect.any(String), adminUrl: expect.stringContaining('edge-admin.sock') },
    });
    expect(proxy.pids()).toEqual({ edge: undefined, switch: undefined });
  });

  it("a second Berth home's edge on the same port refuses to start; the first keeps every request", async () => {
    const httpPort = await freePort();
    const app = await upstream('first');
    const first = await started(await testProxy({ httpPort }));
    await first.applyRoute({ id: 'web', hosts: ['web.localhost'], upstream: `127.0.0.1:${app.port}` });

    const second = new CaddyEdgeProxy({ home: proxyHome(), httpPort });
    cleanups.push(() => second.stop());
    await expect(second.ensureRunning()).rejects.toMatchObject({ code: 'proxy_unavailable', details: { port: httpPort, holderPid: first.pids().edge } });
    expect(second.pids()).toEqual({ edge: undefined, switch: undefined });

    // Fresh connections each: the kernel would spread them over both edges if both listened.
    const replies = await Promise.all(Array.from({ length: 40 }, () => get(httpPort, 'web.localhost')));
    expect(replies.filter((r) => r.status !== 200 || r.body !== 'first')).toEqual([]);
  });

  it('a listener that binds beside a running edge is found on the next change, naming it', async () => {
    const httpPort = await freePort();
    const app = await upstream('mine');
    const proxy = await started(await testProxy({ httpPort }));
    const stray = await strayCaddy(httpPort);
    await expect(proxy.applyRoute({ id: 'web', hosts: ['web.localhost'], upstream: `127.0.0.1:${app.port}` })).rejects.toMatchObject({
      code: 'proxy_unavailable',
      details: { port: httpPort, holderPid: stray.pid, holderCommand: 'caddy' },
    });
    // Ours was there first: it keeps running; the stray one is the operator's to stop.
    expect(processAlive(proxy.pids().edge!)).toBe(true);
    stray.kill('SIGKILL');
    await new Promise<void>((resolve) => stray.once('exit', () => resolve()));
    await proxy.applyRoute({ id: 'web', hosts: ['web.localhost'], upstream: `127.0.0.1:${app.port}` });
    expect(await get(httpPort, 'web.localhost')).toMatchObject({ status: 200, body: 'mine' });
  });

  it('lists who listens on the port: this edge, another Berth edge, an orphaned one (home deleted)', async () => {
    const httpPort = await freePort();
    const orphanHome = proxyHome();
    const orphan = await started(new CaddyEdgeProxy({ home: orphanHome, httpPort }));
    const { edge: orphanPid, switch: orphanSwitch } = orphan.pids() as { edge: number; switch: number };
    // Its pid files go with its home: only the pids can stop it now.
    cleanups.push(() => [orphanPid, orphanSwitch].forEach((pid) => processAlive(pid) && process.kill(pid, 'SIGKILL')));
    rmSync(orphanHome, { recursive: true, force: true }); // its control plane and home are gone

    const proxy = await testProxy({ httpPort });
    cleanups.push(() => proxy.stop());
    await expect(proxy.ensureRunning()).rejects.toMatchObject({ code: 'proxy_unavailable', details: { holderPid: orphanPid } });
    expect(proxy.portListeners()).toEqual([{ pid: orphanPid, command: 'caddy', kind: 'orphaned-berth-edge', home: orphanHome }]);
    expect(proxy.probePort()).toMatchObject({ ok: false, detail: { httpPort, listeners: [{ kind: 'orphaned-berth-edge' }] } });

    process.kill(orphanPid, 'SIGKILL');
    // The socket table may list the killed edge's listener a moment after its pid is gone (seen on
    // a loaded CI run): wait for the port itself to be free, bounded.
    for (let i = 0; i < 500 && (processAlive(orphanPid) || (proxy.portListeners() ?? []).length > 0); i++) await new Promise((r) => setTimeout(r, 20));
    await proxy.ensureRunning();
    expect(proxy.portListeners()).toEqual([{ pid: proxy.pids().edge, command: 'caddy', kind: 'this-edge' }]);
    expect(proxy.probePort()).toMatchObject({ ok: true });

    const other = new CaddyEdgeProxy({ home: proxyHome(), httpPort });
    expect(other.portListeners()).toEqual([expect.objectContaining({ pid: proxy.pids().edge, kind: 'berth-edge', home: proxy.dir.replace(/\/proxy$/, '') })]);
  });
});
