// Benchmark (issue 9): the build of a redeploy whose lockfile did not change, over the first
// build of the same app, median of RUNS. The app is the Express fixture with real dependencies
// from the npm registry; before each first build its cached dependency images are removed, so
// the first build installs and the second reuses the install.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDockerEngine } from '../src/adapters/docker/docker-engine.js';
import { ensureBaseImages } from '../src/adapters/docker/base-images.js';
import { startControlPlane } from '../src/main/control-plane.js';
import { serveSettings } from '../src/main/settings.js';
import { fmt, median, shutDown } from './support.js';

const RUNS = Number(process.env.RUNS ?? 3);
const FIXTURE = join(import.meta.dirname, '../test/fixtures/apps/express-npm');
const DEPS_REPOSITORY = 'berth-deps';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const engine = createDockerEngine();
await ensureBaseImages(engine);
const home = mkdtempSync(join(tmpdir(), 'berth-bench-rebuild-'));
const plane = await startControlPlane(serveSettings({ BERTH_HOME: home, BERTH_HTTP_PORT: String(await freePort()), BERTH_PROXY_BOOTSTRAP: 'true' }, { listen: '127.0.0.1', port: '0' }));
const { ApiClient } = await import('../src/surfaces/client/api-client.js');
const client = new ApiClient({ url: plane.url, token: plane.token });

async function removeDepsImages(): Promise<void> {
  const images = await engine.docker.listImages({ filters: { reference: [`${DEPS_REPOSITORY}:*`] } });
  for (const image of images) await engine.docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
}

/** Deploys and returns the build's wall time: from the first install or build step to the start step. */
async function buildTime(name: string, dir: string): Promise<{ ms: number; cached: boolean }> {
  const { id } = JSON.parse((await client.raw('POST', '/api/deployments', JSON.stringify({ name, source: { kind: 'folder', location: dir } }))).body) as { id: string };
  for (;;) {
    const d = JSON.parse((await client.raw('GET', `/api/deployments/${id}`)).body) as { status: string; error?: { code: string } };
    if (d.status === 'succeeded') break;
    if (['failed', 'rolled-back', 'canceled', 'interrupted'].includes(d.status)) throw new Error(`bench deploy ${id} ended ${d.status} ${d.error?.code}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const steps = (await plane.store.journal.after(id, 0, 1000)).filter((e) => e.kind === 'step');
  const data = (e: (typeof steps)[number]) => e.data as { step?: string; cached?: boolean };
  const begin = steps.find((e) => data(e).step === 'install' || data(e).step === 'build');
  const end = steps.find((e) => data(e).step === 'start');
  if (!begin || !end) throw new Error(`bench deploy ${id} has no install/build or start step`);
  return { ms: Date.parse(end.at) - Date.parse(begin.at), cached: steps.some((e) => data(e).step === 'install' && data(e).cached === true) };
}

const first: number[] = [];
const second: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-bench-app-'));
  cpSync(FIXTURE, dir, { recursive: true });
  await removeDepsImages();
  const cold = await buildTime(`rebuild-${i}`, dir);
  // A code change, the same lockfile.
  writeFileSync(join(dir, 'server.js'), readFileSync(join(dir, 'server.js'), 'utf8').replace("'express-npm'", `'express-npm-${i}'`));
  const warm = await buildTime(`rebuild-${i}`, dir);
  if (cold.cached || !warm.cached) throw new Error(`run ${i}: expected an uncached then a cached install (got ${cold.cached}, ${warm.cached})`);
  first.push(cold.ms);
  second.push(warm.ms);
}

const a = median(first);
const b = median(second);
console.log(`rebuild with an unchanged lockfile, median of ${RUNS} runs (Express app, npm ci against the registry)`);
console.log(`  first build (install + build)     ${fmt(a)}  (baseline)`);
console.log(`  second build (install cached)     ${fmt(b)}  ${(b / a).toFixed(2)}x baseline (goal <= 0.3)`);

await shutDown(plane);
