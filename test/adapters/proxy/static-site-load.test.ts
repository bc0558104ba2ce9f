import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBaseImage } from '../../../src/adapters/docker/base-images.js';
import type { CaddyEdgeProxy } from '../../../src/adapters/proxy/caddy-edge-proxy.js';
import { STATIC_INTERNAL_PORT } from '../../../src/core/plan/base-images.js';
import { DockerRun, ensureDockerd, waitFor } from '../../support/docker.js';
import { startLoad } from '../../support/load.js';
import { ROOT } from '../../support/paths.js';
import { get, testProxy } from '../../support/proxy.js';

// The bundled static site (examples/hello) in the static base image, behind the edge, with no
// deploy running: steady keep-alive load must see no failed request. The image is made into a
// per-run tag, so this exercises the assembly of today's code.
const LOAD_MS = Number(process.env.BERTH_STEADY_LOAD_MS ?? 60_000);
const CONCURRENCY = 32;

describe('the static image behind the edge, under steady load', () => {
  const run = new DockerRun();
  let proxy: CaddyEdgeProxy;
  let upstream: string;

  beforeAll(async () => {
    await ensureDockerd();
    const network = await run.network();
    const base = run.image('base-static');
    await makeBaseImage(run.engine, 'static', base);
    const app = run.image('hello');
    await run.engine.build({ contextDir: `${ROOT}examples/hello`, dockerfile: { text: `FROM ${base}\nCOPY . /srv\n` }, tag: app, labels: run.labels() });
    const c = await run.engine.run({ name: run.name('hello'), image: app, labels: run.labels(), network });
    upstream = `${c.ip}:${STATIC_INTERNAL_PORT}`;
    await waitFor('static server', async () => (await fetch(`http://${upstream}/`).catch(() => undefined))?.ok);
    proxy = await testProxy();
    await proxy.applyRoute({ id: 'hello', hosts: ['hello.localhost'], upstream });
  }, 180_000);
  afterAll(async () => {
    await proxy?.stop();
    await run.cleanup();
  });

  it('the static server keeps a client connection alive across requests', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const [host, port] = upstream.split(':') as [string, string];
      const ask = () =>
        new Promise<{ status: number; reused: boolean; connection?: string }>((resolve, reject) => {
          const req = http.get({ host, port: Number(port), path: '/', agent }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket, connection: res.headers.connection }));
          });
          req.on('error', reject);
        });
      expect(await ask()).toMatchObject({ status: 200, reused: false });
      const second = await ask();
      expect(second).toMatchObject({ status: 200, reused: true });
      expect(second.connection).not.toBe('close');
    } finally {
      agent.destroy();
    }
  });

  it(`fails no request in ${LOAD_MS / 1000} s of keep-alive load through the edge`, { timeout: LOAD_MS + 60_000 }, async () => {
    expect((await get(proxy.httpPort(), 'hello.localhost')).status).toBe(200);
    const load = startLoad(proxy.httpPort(), 'hello.localhost', CONCURRENCY);
    await new Promise((r) => setTimeout(r, LOAD_MS));
    const report = await load.stop();
    console.log(`steady load: ${report.ok + report.failed} requests, ${report.failed} failed (${[...new Set(report.failures)].join(', ') || 'none'})`);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBeGreaterThan(LOAD_MS / 10); // at least 100 requests a second, or the load proves little
  });
});
