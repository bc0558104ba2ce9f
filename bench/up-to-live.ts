// Benchmark (issue 3): `berth up` of a local prebuilt image to the first 200 through its URL, vs
// `docker run` of the same image + polling to the first 200, in the same run, median of RUNS;
// and the failed-request count of a redeploy under constant keep-alive load. BENCH_TRACE=1 also
// prints each attempt's journal timeline and every engine, proxy, prober and store call it made.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerEngine } from '../src/adapters/docker/docker-engine.js';
import { ensureBaseImages } from '../src/adapters/docker/base-images.js';
import { startControlPlane } from '../src/main/control-plane.js';
import { serveSettings } from '../src/main/settings.js';
import { httpProber } from '../src/adapters/http/prober.js';
import { CallTrace } from './call-trace.js';
import { figure, median, shutDown, type Figure } from './support.js';

const RUNS = Number(process.env.RUNS ?? 5);
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

function get(port: number, host?: string, agent?: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: agent ?? false, headers: host ? { host } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}
async function untilOk(port: number, host?: string): Promise<void> {
  while ((await get(port, host)) !== 200) await new Promise((r) => setTimeout(r, 20));
}

export async function measure(): Promise<Figure[]> {
  const engine = createDockerEngine();
  await ensureBaseImages(engine);
  const ctx = mkdtempSync(join(tmpdir(), 'berth-bench-img-'));
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM berth/static:1\nCOPY index.html /srv/index.html\n');
  const image = async (body: string, tag: string) => {
    writeFileSync(join(ctx, 'index.html'), body);
    return (await engine.build({ contextDir: ctx, dockerfile: { path: 'Dockerfile' }, tag, labels: {} })).tag;
  };
  const v1 = await image('v1', 'berth-bench/hello:v1');
  const v2 = await image('v2', 'berth-bench/hello:v2');

  const home = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  mkdirSync(home, { recursive: true });
  const httpPort = await freePort();
  const plane = await startControlPlane(serveSettings({ BERTH_HOME: home, BERTH_HTTP_PORT: String(httpPort), BERTH_PROXY_BOOTSTRAP: 'true' }, { listen: '127.0.0.1', port: '0' }));
  await plane.targets.local.proxy.ensureRunning();
  const { ApiClient } = await import('../src/surfaces/client/api-client.js');
  const client = new ApiClient({ url: plane.url, token: plane.token });
  const post = async (body: unknown) => JSON.parse((await client.raw('POST', '/api/deployments', JSON.stringify(body))).body) as { id: string; status: string };
  const show = async (id: string) => JSON.parse((await client.raw('GET', `/api/deployments/${id}`)).body) as { status: string; accessUrl: string | null; error?: { code: string } };
  const trace = process.env.BENCH_TRACE ? new CallTrace() : undefined;
  if (trace) {
    trace.wrap('engine', plane.targets.local.engine);
    trace.wrap('proxy', plane.targets.local.proxy, ['ensureRunning', 'applyRoute', 'getRoute', 'removeRoute']);
    trace.wrap('prober', httpProber, ['get']);
    trace.wrapStore(plane.store as never, ['deployments', 'journal', 'resources', 'environments', 'projects', 'servers', 'domains', 'resourceSecrets', 'audit']);
  }

  const berth: number[] = [];
  const raw: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Raw: docker run (Engine API create + start, published port) and poll to the first 200.
    const port = await freePort();
    let t0 = performance.now();
    const c = await engine.docker.createContainer({ Image: v1, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] } }, ExposedPorts: { '80/tcp': {} } });
    await c.start();
    await untilOk(port);
    raw.push(performance.now() - t0);
    await c.remove({ force: true });

    // Berth: deployments.create (what `berth up` sends) to the first 200 through the generated URL.
    trace?.mark();
    t0 = performance.now();
    const d = await post({ name: `bench-${i}`, source: { kind: 'image', location: v1 }, network: { internalPort: 80 } });
    const host = `bench-${i}.production.localhost`;
    await untilOk(httpPort, host);
    berth.push(performance.now() - t0);
    let s = await show(d.id);
    while (!['succeeded', 'failed', 'rolled-back'].includes(s.status)) s = await show(d.id);
    if (s.status !== 'succeeded') throw new Error(`bench deploy ${d.id} ended ${s.status} ${s.error?.code}`);
    if (trace) {
      const served = berth[berth.length - 1]!;
      console.log(`  run ${i}: first 200 after ${served.toFixed(0)} ms (docker run + poll ${raw[raw.length - 1]!.toFixed(0)} ms)`);
      const { envelopes } = JSON.parse((await client.raw('GET', `/api/deployments/${d.id}/events`)).body) as { envelopes: { event?: { at: string; kind: string; data: Record<string, unknown> } }[] };
      const start = Date.parse(envelopes[0]!.event!.at);
      for (const e of envelopes) if (e.event) console.log(`    journal +${Date.parse(e.event.at) - start} ms ${e.event.kind} ${String(e.event.data.status ?? e.event.data.step ?? '')}`);
      for (const line of trace.lines(served + 50)) console.log(line);
    }
  }

  console.log(`  samples: berth up ${berth.map((x) => x.toFixed(0)).join(', ')} ms; docker run + poll ${raw.map((x) => x.toFixed(0)).join(', ')} ms`);

  // Redeploy under constant keep-alive load.
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  let ok = 0;
  let failed = 0;
  let running = true;
  const workers = Array.from({ length: 4 }, async () => {
    while (running) {
      const st = await get(httpPort, 'bench-0.production.localhost', agent);
      if (st >= 200 && st < 500) ok++;
      else failed++;
    }
  });
  const r = await post({ name: 'bench-0', source: { kind: 'image', location: v2 }, network: { internalPort: 80 } });
  let s = await show(r.id);
  while (!['succeeded', 'failed', 'rolled-back'].includes(s.status)) s = await show(r.id);
  await new Promise((res) => setTimeout(res, 3000));
  running = false;
  await Promise.all(workers);

  if (s.status !== 'succeeded') throw new Error(`bench redeploy ${r.id} ended ${s.status}`);
  console.log(`redeploy under load: ${ok + failed} requests, ${failed} failed (redeploy ${s.status})`);

  await shutDown(plane);
  return [
    figure({ name: 'berth up <prebuilt image> to the first 200 through its URL', value: median(berth), unit: 'ms', runs: RUNS, baseline: { name: 'docker run + poll', value: median(raw) }, goal: { ratioAtMost: 1.5 } }),
    figure({ name: 'failed requests during a redeploy under load', value: failed, unit: 'requests', runs: 1, goal: { atMost: 0 } }),
  ];
}
