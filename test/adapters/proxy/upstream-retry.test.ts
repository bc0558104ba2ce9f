import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaddyEdgeProxy } from '../../../src/adapters/proxy/caddy-edge-proxy.js';
import { send, testProxy } from '../../support/proxy.js';

/**
 * An app server whose first `deadConnections` connections die (reset) once a request has
 * arrived on them, as a kept-alive connection does when the app closes it at the moment the
 * proxy reuses it; later connections answer "ok". Counts the requests that reached it.
 */
async function flakyUpstream(deadConnections: number) {
  let accepted = 0;
  const seen: string[] = [];
  const server = net.createServer((socket) => {
    const dies = accepted++ < deadConnections;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffered.slice(0, end);
      const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      seen.push(head.split(' ')[0]!);
      buffered = '';
      if (dies) socket.resetAndDestroy();
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('edge proxy: a dead upstream connection', () => {
  let proxy: CaddyEdgeProxy;
  beforeAll(async () => {
    proxy = await testProxy();
    await proxy.ensureRunning();
  });
  afterAll(async () => proxy?.stop());

  it('a GET is retried on a fresh connection and answered, not 502', async () => {
    const app = await flakyUpstream(1);
    try {
      await proxy.applyRoute({ id: 'retry-get', hosts: ['get.localhost'], upstream: `127.0.0.1:${app.port}` });
      expect(await send(proxy.httpPort(), 'get.localhost', 'GET')).toMatchObject({ status: 200, body: 'ok' });
      expect(app.seen).toEqual(['GET', 'GET']);
    } finally {
      await app.close();
    }
  });

  it('a POST that may have reached the app is not replayed: it is answered 502 once', async () => {
    const app = await flakyUpstream(1);
    try {
      await proxy.applyRoute({ id: 'retry-post', hosts: ['post.localhost'], upstream: `127.0.0.1:${app.port}` });
      expect((await send(proxy.httpPort(), 'post.localhost', 'POST')).status).toBe(502);
      expect(app.seen).toEqual(['POST']);
    } finally {
      await app.close();
    }
  });
});
