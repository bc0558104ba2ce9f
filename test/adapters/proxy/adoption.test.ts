import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaddyEdgeProxy, type CaddyEdgeProxyOptions } from '../../../src/adapters/proxy/caddy-edge-proxy.js';
import { processAlive } from '../../../src/platform/process-alive.js';
import { ROOT } from '../../support/paths.js';
import { freePort, get, proxyHome, startUpstream, type Upstream } from '../../support/proxy.js';

const run = promisify(execFile);

// A control plane that exits leaves the proxy serving; the next one adopts it (no duplicates),
// and restarts it from the persisted routes when the Caddy processes died.
describe('edge proxy: adoption and restart', () => {
  let opts: CaddyEdgeProxyOptions;
  let proxy: CaddyEdgeProxy;
  let app: Upstream;
  const route = () => ({ id: 'res-kept', hosts: ['kept.localhost'], upstream: `127.0.0.1:${app.port}` });

  beforeAll(async () => {
    app = await startUpstream('still here');
    opts = { home: proxyHome(), httpPort: await freePort() };
    proxy = new CaddyEdgeProxy(opts);
  });
  afterAll(async () => {
    await proxy?.stop();
    await app?.close();
  });

  /** Kills the given Caddy pids outright and waits until they are gone. */
  async function killHard(pids: (number | undefined)[]): Promise<void> {
    for (const pid of pids) if (pid) process.kill(pid, 'SIGKILL');
    while (pids.some((pid) => pid && processAlive(pid))) await new Promise((r) => setTimeout(r, 20));
  }

  it('a second instance adopts the processes a finished control plane started, and sees its routes', async () => {
    // The "first control plane": a separate Node process that starts the proxy, routes, and exits.
    const script = `
      const { CaddyEdgeProxy } = await import(${JSON.stringify(`${ROOT}src/adapters/proxy/caddy-edge-proxy.ts`)});
      const proxy = new CaddyEdgeProxy(JSON.parse(process.env.OPTS));
      await proxy.ensureRunning();
      await proxy.applyRoute(JSON.parse(process.env.ROUTE));
      console.log(JSON.stringify(proxy.pids()));`;
    const child = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, OPTS: JSON.stringify(opts), ROUTE: JSON.stringify(route()) },
    });
    const started = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { edge: number; switch: number };
    expect(processAlive(started.edge) && processAlive(started.switch)).toBe(true);

    await proxy.ensureRunning();
    expect(proxy.pids()).toEqual(started);
    expect(await proxy.listRoutes()).toEqual([route()]);
    expect(await get(proxy.httpPort(), 'kept.localhost')).toMatchObject({ status: 200, body: 'still here' });
  });

  it('after both Caddy processes are killed, reads fail with proxy_unavailable and ensureRunning restarts them with the persisted routes', async () => {
    const before = proxy.pids();
    await killHard([before.edge, before.switch]);
    await expect(proxy.getRoute('res-kept')).rejects.toMatchObject({ code: 'proxy_unavailable', details: { adminUrl: expect.stringContaining(opts.home) } });
    expect(proxy.pids()).toEqual({ edge: undefined, switch: undefined });

    await proxy.ensureRunning();
    const after = proxy.pids();
    expect(after.edge).toBeGreaterThan(0);
    expect(after.switch).toBeGreaterThan(0);
    expect(after.edge).not.toBe(before.edge);
    expect(await proxy.getRoute('res-kept')).toEqual(route());
    expect(await get(proxy.httpPort(), 'kept.localhost')).toMatchObject({ status: 200, body: 'still here' });
  });

  it('a request sent while the switch is down is held by the edge and served once it is back', async () => {
    await killHard([proxy.pids().switch]);
    const pending = get(proxy.httpPort(), 'kept.localhost');
    await new Promise((r) => setTimeout(r, 300));
    await proxy.ensureRunning();
    expect(await pending).toMatchObject({ status: 200, body: 'still here' });
  });
});
