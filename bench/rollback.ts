// Benchmark (issue 4): time from `berth deployments rollback` (the real CLI process) to the
// previous version answering through the proxy, next to a raw container start of the same image
// (Engine API create + start, first 200 straight from the container) measured in the same run,
// median of RUNS; and the failed requests of constant keep-alive load on the URL during each
// rollback. BENCH_TRACE=1 also prints each rollback attempt's journal timeline.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBaseImages } from '../src/adapters/docker/base-images.js';
import { createDockerEngine } from '../src/adapters/docker/docker-engine.js';
import { startControlPlane } from '../src/main/control-plane.js';
import { serveSettings } from '../src/main/settings.js';
import { ApiClient } from '../src/surfaces/client/api-client.js';
import { startLoad } from '../test/support/load.js';
import { figure, median, type Figure } from './support.js';

const RUNS = Number(process.env.RUNS ?? 5);
const BIN = fileURLToPath(new URL('../bin/berth.js', import.meta.url));
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** One GET without keep-alive: status and body ('' on a connection error). */
function get(port: number, host: string, hostHeader?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/', agent: false, headers: hostHeader ? { host: hostHeader } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}
async function until(port: number, host: string, body: string, hostHeader?: string): Promise<void> {
  for (;;) {
    const r = await get(port, host, hostHeader);
    if (r.status === 200 && r.body.includes(body)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs the CLI without blocking the event loop (the load generator shares it). */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout }));
  });
}

export async function measure(): Promise<Figure[]> {
  const engine = createDockerEngine();
  await ensureBaseImages(engine);
  const ctx = mkdtempSync(join(tmpdir(), 'berth-bench-img-'));
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM berth/static:1\nCOPY index.html /srv/index.html\n');
  const stamp = Date.now().toString(36);
  const image = async (body: string) => {
    writeFileSync(join(ctx, 'index.html'), body);
    return (await engine.build({ contextDir: ctx, dockerfile: { path: 'Dockerfile' }, tag: `berth-bench/rollback:${body}`, labels: {} })).tag;
  };
  const versions = { a: `rollback-a-${stamp}`, b: `rollback-b-${stamp}` };
  const images = { a: await image(versions.a), b: await image(versions.b) };

  const home = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const httpPort = await freePort();
  // BERTH_ROLLBACK_WARM_SECONDS set: the replaced version stays warm, each rollback takes it over.
  const warm = process.env.BERTH_ROLLBACK_WARM_SECONDS ? { BERTH_ROLLBACK_WARM_SECONDS: process.env.BERTH_ROLLBACK_WARM_SECONDS } : {};
  const plane = await startControlPlane(serveSettings({ BERTH_HOME: home, BERTH_HTTP_PORT: String(httpPort), BERTH_PROXY_BOOTSTRAP: 'true', ...warm }, { listen: '127.0.0.1', port: '0' }));
  await plane.targets.local.proxy.ensureRunning();
  const client = new ApiClient({ url: plane.url, token: plane.token });
  const call = async <T>(method: string, path: string, body?: unknown) => JSON.parse((await client.raw(method, path, body === undefined ? undefined : JSON.stringify(body))).body) as T;
  type Shown = { id: string; status: string; resourceId: string; accessUrl: string | null; error?: { code: string } };
  const ended = async (id: string) => {
    for (;;) {
      const s = await call<Shown>('GET', `/api/deployments/${id}`);
      if (!['created', 'planning', 'planned', 'running', 'verifying', 'cancel-requested'].includes(s.status)) {
        if (s.status !== 'succeeded') throw new Error(`bench attempt ${id} ended ${s.status} ${s.error?.code}`);
        return s;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const deployVersion = async (v: 'a' | 'b') => ended((await call<Shown>('POST', '/api/deployments', { name: 'bench-rollback', source: { kind: 'image', location: images[v] }, network: { internalPort: 80 } })).id);

  const first = await deployVersion('a');
  const second = await deployVersion('b');
  const host = new URL(second.accessUrl!).host;
  await plane.runner.idle();
  const env = { ...process.env, BERTH_HOME: home, BERTH_URL: '', BERTH_TOKEN: '', BERTH_DATABASE_URL: '' };
  const rawNet = `berth-bench-raw-${stamp}`;
  await engine.ensureNetwork(rawNet, { 'dev.berth.managed': 'true', 'dev.berth.resource': 'bench' });

  const rollback: number[] = [];
  const raw: number[] = [];
  let requests = 0;
  let failed = 0;
  const failures = new Set<string>();
  // The serving attempt and the candidate swap each round: b -> a, a -> b, ...
  let serving = second;
  let candidate = { id: first.id, version: 'a' as 'a' | 'b' };
  for (let i = 0; i < RUNS; i++) {
    // Raw: the same image started by the engine, first 200 straight from the container.
    let t0 = performance.now();
    const c = await engine.run({ name: `berth-bench-raw-${stamp}-${i}`, image: images[candidate.version], labels: { 'dev.berth.managed': 'true' }, network: rawNet, restartPolicy: 'no' });
    await until(80, c.ip, versions[candidate.version]);
    raw.push(performance.now() - t0);
    await engine.remove(c.id);

    // Berth: the CLI command to the previous version answering through the proxy, under load.
    const load = startLoad(httpPort, host);
    await new Promise((r) => setTimeout(r, 300));
    t0 = performance.now();
    const answered = until(httpPort, '127.0.0.1', versions[candidate.version], host).then(() => performance.now() - t0);
    const out = await cli(['deployments', 'rollback', serving.id, '--candidate', candidate.id, '--json'], env);
    if (out.code !== 0) throw new Error(`rollback failed: ${out.stdout}`);
    if (process.env.BENCH_TRACE) console.log(`    cli returned after ${(performance.now() - t0).toFixed(0)} ms`);
    rollback.push(await answered);
    const attempt = await ended((JSON.parse(out.stdout) as { id: string }).id);
    if (process.env.BENCH_TRACE) {
      const { envelopes } = await call<{ envelopes: { event?: { at: string; kind: string; data: Record<string, unknown> } }[] }>('GET', `/api/deployments/${attempt.id}/events`);
      const start = Date.parse(envelopes[0]!.event!.at);
      for (const e of envelopes) if (e.event) console.log(`    +${Date.parse(e.event.at) - start} ms ${e.event.kind} ${String(e.event.data.status ?? e.event.data.step ?? '')}`);
    }
    await plane.runner.idle(); // the replaced version drained and retired
    const report = await load.stop();
    requests += report.ok + report.failed;
    failed += report.failed;
    report.failures.forEach((f) => failures.add(f));
    const next = { id: serving.id, version: (candidate.version === 'a' ? 'b' : 'a') as 'a' | 'b' };
    serving = attempt;
    candidate = next;
  }

  console.log(`  warm window: ${process.env.BERTH_ROLLBACK_WARM_SECONDS ?? '0'} s`);
  console.log(`  samples: rollback ${rollback.map((x) => x.toFixed(0)).join(', ')} ms; raw ${raw.map((x) => x.toFixed(0)).join(', ')} ms`);
  console.log(`  constant load during the rollbacks: ${requests} requests, ${failed} failed${failures.size ? ` (${[...failures].join(', ')})` : ''}`);

  for (const c of await engine.listContainers({ 'dev.berth.resource': serving.resourceId })) await engine.remove(c.id);
  for (const n of await engine.docker.listNetworks({ filters: { label: [`dev.berth.resource=${serving.resourceId}`] } })) await engine.removeNetwork(n.Name).catch(() => undefined);
  await engine.removeNetwork(rawNet).catch(() => undefined);
  await plane.close();
  await plane.runner.idle();
  await plane.targets.local.proxy.stop().catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
  rmSync(ctx, { recursive: true, force: true });
  return [
    figure({ name: 'deployments rollback to the old version serving', value: median(rollback), unit: 'ms', runs: RUNS, baseline: { name: 'raw container start', value: median(raw) }, goal: { atMost: 1000, ratioAtMost: 1.5 } }),
    figure({ name: 'failed requests during the rollbacks', value: failed, unit: 'requests', runs: RUNS, goal: { atMost: 0 } }),
  ];
}
