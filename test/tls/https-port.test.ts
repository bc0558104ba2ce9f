import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeApp } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { deploy, viaProxy } from '../support/deploy.js';
import { edgeTlsEnv, loopbackAddress, startAcmeCa, type TestAcmeCa } from './acme-ca.js';

// The edge owns its HTTPS listener as it owns its HTTP port: another process on it fails the
// first deploy with proxy_unavailable naming that process (not a Caddy that cannot start), and
// doctor's edge-port check names it. A listener on another address of the same port is no
// holder (each test edge has its own loopback address on 443).

type Check = { name: string; status: string; detail: { listeners?: { pid: number | null; kind: string; port: number }[] } & Record<string, unknown>; error?: { code: string } };

const health = { path: '/', timeoutSeconds: 30, intervalMs: 200 };

function listen(address: string): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => server.once('error', reject).listen(443, address, () => resolve(server)));
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

async function edgePortCheck(plane: TestControlPlane): Promise<Check> {
  const res = await plane.client.raw('GET', '/api/doctor');
  return (JSON.parse(res.body).checks as Check[]).find((c) => c.name === 'edge-port')!;
}

describe('the edge HTTPS listener held by another process', () => {
  let ca: TestAcmeCa;
  let plane: TestControlPlane;
  let neighbour: Server;
  const edge = loopbackAddress();

  beforeAll(async () => {
    ca = await startAcmeCa([], edge);
    plane = await startTestControlPlane(edgeTlsEnv(ca, edge, 15));
    neighbour = await listen(loopbackAddress());
  }, 60_000);
  afterAll(async () => {
    await plane?.close();
    await ca?.stop();
    if (neighbour) await close(neighbour);
  });

  it('fails the first deploy with proxy_unavailable naming the HTTPS port and its holder; doctor names it; once it is gone a deploy succeeds', async () => {
    const holder = await listen(edge);
    let held = true;
    try {
      const check = await edgePortCheck(plane);
      expect(check).toMatchObject({ status: 'failing', error: { code: 'proxy_unavailable' }, detail: { httpPort: plane.httpPort, httpsListen: `${edge}:443` } });
      expect(check.detail.listeners).toEqual([expect.objectContaining({ pid: process.pid, kind: 'foreign', port: 443 })]);

      const failed = await deploy(plane, { name: 'https-held', source: { kind: 'folder', location: nodeApp({ '/': [200, 'first'] }) }, health });
      expect({ status: failed.status, code: failed.error?.code, phase: failed.error?.phase }).toEqual({ status: 'failed', code: 'proxy_unavailable', phase: 'execute' });
      expect(failed.error!.details).toMatchObject({ port: 443, holderPid: process.pid, holderCommand: expect.any(String) });
      // Nothing of this home was left running beside the holder.
      expect(plane.targets.local.proxy.pids()).toEqual({ edge: undefined, switch: undefined });

      await close(holder);
      held = false;
      const next = await deploy(plane, { name: 'https-held', source: { kind: 'folder', location: nodeApp({ '/': [200, 'second'] }) }, health, relink: true });
      expect({ status: next.status, error: next.error ?? null }).toEqual({ status: 'succeeded', error: null });
      expect(await viaProxy(plane, next.accessUrl!)).toMatchObject({ status: 200, body: 'second' });

      // Only this edge listens on both of its ports now; the neighbour on another address is not counted.
      const edgePid = plane.targets.local.proxy.pids().edge;
      const ok = await edgePortCheck(plane);
      expect(ok.status).toBe('ok');
      expect(ok.detail.listeners!.filter((l) => l.port === 443)).toEqual([expect.objectContaining({ pid: edgePid, kind: 'this-edge' })]);
      expect(ok.detail.listeners!.every((l) => l.kind === 'this-edge')).toBe(true);
    } finally {
      if (held) await close(holder);
    }
  }, 240_000);
});
