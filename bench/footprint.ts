// Benchmark (issue 13): resident memory of the real `berth serve` process (PGlite store) around its
// first deploy on a fresh BERTH_HOME: the peak from spawn to the deploy's success (VmHWM) and the
// idle RSS once it has settled after it (VmRSS), next to a bare Node process holding an open
// PGlite (PGlite's defaults, loaded from the same template) measured the same way in the same
// run. Median of RUNS.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBaseImages } from '../src/adapters/docker/base-images.js';
import { createDockerEngine } from '../src/adapters/docker/docker-engine.js';
import { CaddyEdgeProxy } from '../src/adapters/proxy/caddy-edge-proxy.js';
import { ApiClient } from '../src/surfaces/client/api-client.js';
import { readControlPlaneState } from '../src/surfaces/client/state-file.js';
import { removeRuntimeOf } from '../test/support/docker-objects.js';
import { figure, median, rssOf, type Figure } from './support.js';

const RUNS = Number(process.env.RUNS ?? 5);
/** How long the process sits after the deploy before its idle RSS is read. */
const SETTLE_MS = Number(process.env.SETTLE_MS ?? 5000);
const BIN = fileURLToPath(new URL('../bin/berth.js', import.meta.url));
const TEMPLATE = fileURLToPath(new URL('../dist/adapters/store/pglite-template.tar.gz', import.meta.url));
const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** The baseline: `node` with an open PGlite at its defaults, from the template, then idle. */
async function barePglite(): Promise<{ peakMb: number; idleMb: number }> {
  const home = mkdtempSync(join(tmpdir(), 'berth-bench-bare-'));
  const script = `import { PGlite } from '@electric-sql/pglite'; import { readFileSync } from 'node:fs';
    const db = await PGlite.create(${JSON.stringify(join(home, 'pgdata'))}, { loadDataDir: new Blob([readFileSync(${JSON.stringify(TEMPLATE)})]) });
    await db.query('SELECT 1'); process.stdout.write('ready\\n'); setInterval(() => {}, 1 << 30);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`bare PGlite exited ${code}`)));
    });
    const peakMb = rssOf(child.pid!).peakMb;
    await settle();
    return { peakMb, idleMb: rssOf(child.pid!).rssMb };
  } finally {
    await stop(child);
    rmSync(home, { recursive: true, force: true });
  }
}

/** `berth serve` on a fresh home, one image deploy to success: its peak through the deploy, and its idle RSS after. */
async function berthServe(image: string): Promise<{ peakMb: number; idleMb: number }> {
  const home = mkdtempSync(join(tmpdir(), 'berth-bench-footprint-'));
  const httpPort = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env: { ...process.env, BERTH_HOME: home, BERTH_HTTP_PORT: String(httpPort), BERTH_DATABASE_URL: '', BERTH_PROXY_BOOTSTRAP: 'false' }, stdio: ['ignore', 'ignore', 'inherit'] });
  let resourceId: string | undefined;
  try {
    let client: ApiClient | undefined;
    while (!client) {
      if (child.exitCode !== null) throw new Error('berth serve exited');
      const s = readControlPlaneState(home);
      if (s && s.pid === child.pid) client = new ApiClient({ url: s.url, token: s.token });
      else await new Promise((r) => setTimeout(r, 20));
    }
    const call = async <T>(method: string, path: string, body?: unknown) => JSON.parse((await client.raw(method, path, body === undefined ? undefined : JSON.stringify(body))).body) as T;
    type Shown = { id: string; status: string; resourceId: string; error?: { code: string } };
    let d = await call<Shown>('POST', '/api/deployments', { name: 'footprint', source: { kind: 'image', location: image }, network: { internalPort: 80 } });
    resourceId = d.resourceId;
    while (!['succeeded', 'failed', 'rolled-back', 'canceled'].includes(d.status)) {
      await new Promise((r) => setTimeout(r, 200));
      d = await call<Shown>('GET', `/api/deployments/${d.id}`);
    }
    if (d.status !== 'succeeded') throw new Error(`footprint deploy ended ${d.status} ${d.error?.code}`);
    const peakMb = rssOf(child.pid!).peakMb;
    await settle();
    return { peakMb, idleMb: rssOf(child.pid!).rssMb };
  } finally {
    await stop(child);
    await new CaddyEdgeProxy({ home }).stop();
    if (resourceId) await removeRuntimeOf([resourceId]);
    rmSync(home, { recursive: true, force: true });
  }
}

export async function measure(): Promise<Figure[]> {
  if (!existsSync(TEMPLATE)) throw new Error('no PGlite template: run npm run build first');
  const engine = createDockerEngine();
  await ensureBaseImages(engine);
  const ctx = mkdtempSync(join(tmpdir(), 'berth-bench-img-'));
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM berth/static:1\nCOPY index.html /srv/index.html\n');
  writeFileSync(join(ctx, 'index.html'), 'footprint');
  const { tag } = await engine.build({ contextDir: ctx, dockerfile: { path: 'Dockerfile' }, tag: 'berth-bench/footprint:1', labels: {} });
  rmSync(ctx, { recursive: true, force: true });

  const bare: { peakMb: number; idleMb: number }[] = [];
  const berth: { peakMb: number; idleMb: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    bare.push(await barePglite());
    berth.push(await berthServe(tag));
  }
  const m = (xs: { peakMb: number; idleMb: number }[], k: 'peakMb' | 'idleMb') => median(xs.map((x) => x[k]));
  return [
    figure({ name: 'control plane peak RSS, first deploy (PGlite)', value: m(berth, 'peakMb'), unit: 'MB', runs: RUNS, baseline: { name: 'node + open PGlite', value: m(bare, 'peakMb') }, goal: { atMost: 300 } }),
    figure({ name: 'control plane idle RSS after one deploy (PGlite)', value: m(berth, 'idleMb'), unit: 'MB', runs: RUNS, baseline: { name: 'node + open PGlite', value: m(bare, 'idleMb') }, goal: { atMost: 150 } }),
  ];
}
