import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { probeCaddy } from '../../../src/adapters/proxy/probe.js';
import { freePort, testProxy } from '../../support/proxy.js';

describe('edge proxy: unavailable', () => {
  it('a wrong caddy binary path is proxy_unavailable, for ensureRunning and applyRoute alike', async () => {
    const proxy = await testProxy({ caddyBin: '/nonexistent/caddy' });
    const unavailable = { code: 'proxy_unavailable', details: { adminUrl: expect.stringContaining(proxy.dir) } };
    await expect(proxy.ensureRunning()).rejects.toMatchObject(unavailable);
    await expect(proxy.applyRoute({ id: 'web', hosts: ['web.localhost'], upstream: '127.0.0.1:8080' })).rejects.toMatchObject(unavailable);
    expect(proxy.pids()).toEqual({ edge: undefined, switch: undefined });
  });

  it('reads never start Caddy: they are proxy_unavailable while it is stopped, and the probe says so', async () => {
    const proxy = await testProxy();
    await expect(proxy.listRoutes()).rejects.toMatchObject({ code: 'proxy_unavailable' });
    await expect(proxy.getRoute('web')).rejects.toMatchObject({ code: 'proxy_unavailable' });
    expect(await probeCaddy(proxy)).toMatchObject({ ok: false });
    expect(proxy.pids()).toEqual({ edge: undefined, switch: undefined });
  });

  it('a Caddy that cannot bind the public port is proxy_unavailable, and nothing is left running', async () => {
    const squatter = net.createServer();
    const httpPort = await freePort();
    await new Promise<void>((resolve) => squatter.listen(httpPort, resolve));
    const proxy = await testProxy({ httpPort });
    try {
      await expect(proxy.ensureRunning()).rejects.toMatchObject({ code: 'proxy_unavailable', details: { adminUrl: expect.stringContaining('edge-admin.sock') } });
      expect(proxy.pids().edge).toBeUndefined();
    } finally {
      await proxy.stop();
      squatter.close();
    }
    expect(proxy.pids()).toEqual({ edge: undefined, switch: undefined });
  });
});
