import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { RouteSpec } from '../../src/ports/edge-proxy.js';
import { processAlive } from '../../src/platform/process-alive.js';
import { appDir } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy, viaProxy, waitTerminal, type DeploymentStatus } from '../support/deploy.js';

// Faults of the edge proxy: each attempt ends terminal with its code and phase, nothing stored
// is lost, and the next deploy succeeds once the fault is gone.

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function plane(): Promise<TestControlPlane> {
  const p = await startTestControlPlane();
  cleanups.push(() => p.close());
  return p;
}

const site = (body: string) => ({ kind: 'folder', location: appDir({ 'index.html': body }) });
// verifyAccess gives the access URL at least 5 s; a short health timeout keeps it at that.
const health = { path: '/', timeoutSeconds: 5, intervalMs: 100 };
const storedIds = async (p: TestControlPlane) => (await p.store.deployments.list({})).map((d) => d.id).sort();
const containersOf = (p: TestControlPlane, id: string) => p.targets.local.engine.listContainers({ 'dev.berth.deployment': id });

describe('edge proxy faults', () => {
  it('the edge Caddy killed (SIGKILL) right after a route switch: access_url_unreachable in verify, rolled back to a restarted edge; the next deploy succeeds', async () => {
    const p = await plane();
    const v1 = await deploy(p, { name: 'edge-kill', source: site('v1'), health });
    expect(v1.status).toBe('succeeded');

    // The switch takes v2's route, then the edge dies before the access URL is observed.
    const proxy = p.targets.local.proxy;
    const realApply = proxy.applyRoute.bind(proxy);
    let killed: number | undefined;
    proxy.applyRoute = async (route: RouteSpec) => {
      await realApply(route);
      if (killed !== undefined) return;
      killed = proxy.pids().edge!;
      process.kill(killed, 'SIGKILL');
      while (processAlive(killed)) await new Promise((r) => setTimeout(r, 10));
    };
    cleanups.push(() => (proxy.applyRoute = realApply));

    const created = await api<DeploymentStatus>(p, 'POST', '/api/deployments', { name: 'edge-kill', source: site('v2'), health, relink: true });
    const before = await storedIds(p);
    const ended = await waitTerminal(p, created.body.id, 120_000);
    expect(killed).toBeGreaterThan(0);
    expect({ status: ended.status, code: ended.error?.code, phase: ended.error?.phase }).toEqual({ status: 'rolled-back', code: 'access_url_unreachable', phase: 'verify' });
    expect(ended.error!.details.reason).toBe('ECONNREFUSED');

    // Giving v1 its route back restarted the edge; v1 answers again and v2 left nothing running.
    expect(proxy.pids().edge).toBeGreaterThan(0);
    expect(proxy.pids().edge).not.toBe(killed);
    expect(await viaProxy(p, v1.accessUrl!)).toEqual({ status: 200, body: 'v1' });
    expect(await containersOf(p, ended.id)).toEqual([]);
    expect(await storedIds(p)).toEqual(before);

    const next = await deploy(p, { name: 'edge-kill', source: site('v3'), health, relink: true });
    expect({ status: next.status, error: next.error ?? null }).toEqual({ status: 'succeeded', error: null });
    expect(await viaProxy(p, next.accessUrl!)).toEqual({ status: 200, body: 'v3' });
  });

  it('the edge port taken by another process before the edge starts: proxy_unavailable in execute naming it; the next deploy succeeds once it is gone', async () => {
    const p = await plane();
    const squatter = spawn(process.execPath, ['-e', `require('net').createServer().listen(${p.httpPort}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => squatter.exitCode === null && squatter.kill('SIGKILL'));
    await new Promise((resolve) => squatter.stdout!.once('data', resolve));

    const failed = await deploy(p, { name: 'port-taken', source: site('first'), health });
    expect({ status: failed.status, code: failed.error?.code, phase: failed.error?.phase, currentPhase: failed.currentPhase }).toEqual({
      status: 'failed',
      code: 'proxy_unavailable',
      phase: 'execute',
      currentPhase: 'execute',
    });
    expect(failed.error!.details).toMatchObject({ port: p.httpPort, holderPid: squatter.pid, holderCommand: expect.any(String) });
    // It failed before anything started: no container, and no Caddy of this home split the port.
    expect(await containersOf(p, failed.id)).toEqual([]);
    expect(p.targets.local.proxy.pids()).toEqual({ edge: undefined, switch: undefined });
    const before = await storedIds(p);

    squatter.kill('SIGKILL');
    await new Promise((resolve) => squatter.once('exit', resolve));
    const next = await deploy(p, { name: 'port-taken', source: site('second'), health, relink: true });
    expect({ status: next.status, error: next.error ?? null }).toEqual({ status: 'succeeded', error: null });
    expect(next.resourceId).toBe(failed.resourceId);
    expect(await viaProxy(p, next.accessUrl!)).toEqual({ status: 200, body: 'second' });
    expect((await storedIds(p)).filter((id) => !before.includes(id))).toEqual([next.id]);
  });
});
