import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaddyEdgeProxy } from '../../../src/adapters/proxy/caddy-edge-proxy.js';
import { get, startUpstream, testProxy, type Upstream } from '../../support/proxy.js';

describe('edge proxy: routes through real Caddy', () => {
  let proxy: CaddyEdgeProxy;
  let app: Upstream;
  let other: Upstream;
  beforeAll(async () => {
    [app, other] = await Promise.all([startUpstream('hello from app'), startUpstream('hello from other')]);
    proxy = await testProxy();
  });
  afterAll(async () => {
    await proxy?.stop();
    await Promise.all([app?.close(), other?.close()]);
  });

  it('serves an applied route by Host, observes it, and stops serving it once removed', async () => {
    expect(await proxy.ensureRunning()).toEqual({ httpPort: proxy.httpPort() });
    const route = { id: 'res-app', hosts: ['app.localhost'], upstream: `127.0.0.1:${app.port}` };
    await proxy.applyRoute(route);
    expect(await get(proxy.httpPort(), 'app.localhost')).toMatchObject({ status: 200, body: 'hello from app' });
    expect(await proxy.getRoute('res-app')).toEqual(route);

    await proxy.applyRoute({ id: 'res-other', hosts: ['other.localhost', 'www.other.localhost'], upstream: `127.0.0.1:${other.port}` });
    expect(await get(proxy.httpPort(), 'www.other.localhost')).toMatchObject({ status: 200, body: 'hello from other' });
    expect((await proxy.listRoutes()).map((r) => r.id).sort()).toEqual(['res-app', 'res-other']);

    await proxy.removeRoute('res-app');
    await proxy.removeRoute('res-app'); // idempotent
    expect(await proxy.getRoute('res-app')).toBeUndefined();
    expect((await get(proxy.httpPort(), 'app.localhost')).status).toBe(404);
    expect((await get(proxy.httpPort(), 'other.localhost')).status).toBe(200);
  });

  it('preserves Host and passes the client address on in X-Forwarded-For through both hops', async () => {
    const echo = await startUpstream((req) => JSON.stringify({ host: req.headers.host, xff: req.headers['x-forwarded-for'], proto: req.headers['x-forwarded-proto'] }));
    try {
      await proxy.applyRoute({ id: 'res-echo', hosts: ['echo.localhost'], upstream: `127.0.0.1:${echo.port}` });
      const reply = await get(proxy.httpPort(), 'echo.localhost');
      expect(JSON.parse(reply.body)).toEqual({ host: 'echo.localhost', xff: '127.0.0.1', proto: 'http' });
    } finally {
      await proxy.removeRoute('res-echo');
      await echo.close();
    }
  });

  it('refuses a route Caddy must not get, and a host another route serves, with proxy_route_failed', async () => {
    await proxy.ensureRunning();
    await expect(proxy.applyRoute({ id: 'bad id/..', hosts: ['x.localhost'], upstream: '127.0.0.1:1' })).rejects.toMatchObject({
      code: 'proxy_route_failed',
      details: { routeId: 'bad id/..' },
    });
    await expect(proxy.applyRoute({ id: 'no-port', hosts: ['x.localhost'], upstream: '127.0.0.1' })).rejects.toMatchObject({
      code: 'proxy_route_failed',
      details: { routeId: 'no-port' },
    });
    await proxy.applyRoute({ id: 'owner', hosts: ['taken.localhost'], upstream: `127.0.0.1:${app.port}` });
    await expect(proxy.applyRoute({ id: 'thief', hosts: ['taken.localhost'], upstream: `127.0.0.1:${other.port}` })).rejects.toMatchObject({
      code: 'proxy_route_failed',
      details: { routeId: 'thief' },
    });
    expect(await proxy.getRoute('thief')).toBeUndefined();
    expect(await get(proxy.httpPort(), 'taken.localhost')).toMatchObject({ status: 200, body: 'hello from app' });
  });

  it('probes both Caddy processes for berth doctor', async () => {
    await proxy.ensureRunning();
    expect(await proxy.probe()).toMatchObject({ ok: true, detail: { httpPort: proxy.httpPort() } });
  });
});
