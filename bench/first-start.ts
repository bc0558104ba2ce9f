// Benchmark (issue 13): a first `berth serve` on a fresh BERTH_HOME, from spawn to the API's first
// 200, with the pre-initialised PGlite data directory the build ships, divided by the same start
// running initdb (the template moved aside), in the same run, median of RUNS; and peak RSS of each.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const PGLITE_TEMPLATE = new URL('../dist/adapters/store/pglite-template.tar.gz', import.meta.url).pathname;
import { readStartProgress } from '../src/surfaces/client/start-progress.js';
import { figure, median, rssOf, type Figure } from './support.js';

const RUNS = Number(process.env.RUNS ?? 5);
const BIN = new URL('../bin/berth.js', import.meta.url).pathname;

/** BENCH_TRACE=1 prints each start's stages (serve-progress.json), in ms after spawn. */
const TRACE = process.env.BENCH_TRACE === '1';

/** ms from spawn to GET /api/health 200, and the process's peak RSS (VmHWM) in MB. */
async function firstStart(label: string): Promise<{ ms: number; rssMb: number }> {
  const home = mkdtempSync(join(tmpdir(), 'berth-first-'));
  const t0 = performance.now();
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env: { ...process.env, BERTH_HOME: home, BERTH_PROXY_BOOTSTRAP: 'false' }, stdio: 'ignore' });
  const stages = new Map<string, number>();
  try {
    for (;;) {
      if (TRACE) {
        const p = readStartProgress(home);
        if (p && !stages.has(p.stage)) stages.set(p.stage, Date.parse(p.at) - spawnedAt);
      }
      const stateFile = join(home, 'control-plane.json');
      if (existsSync(stateFile)) {
        const { url } = JSON.parse(readFileSync(stateFile, 'utf8')) as { url: string };
        const ok = await fetch(`${url}/api/health`).then((r) => r.status === 200, () => false);
        if (ok) break;
      }
      if (child.exitCode !== null) throw new Error('berth serve exited');
      await new Promise((r) => setTimeout(r, TRACE ? 1 : 10));
    }
    const ms = performance.now() - t0;
    if (TRACE) console.log(`${label}: ${[...stages].map(([s, t]) => `${s} +${t}`).join(', ')}, 200 +${Math.round(ms)} ms`);
    return { ms, rssMb: rssOf(child.pid!).peakMb };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(home, { recursive: true, force: true });
  }
}

export async function measure(): Promise<Figure[]> {
  if (!existsSync(PGLITE_TEMPLATE)) throw new Error('no template: run npm run build first');
  const withTemplate: { ms: number; rssMb: number }[] = [];
  const withInitdb: { ms: number; rssMb: number }[] = [];
  const aside = `${PGLITE_TEMPLATE}.aside`;
  // The template is moved aside for the baseline: an interrupted run puts it back.
  const restore = () => existsSync(aside) && renameSync(aside, PGLITE_TEMPLATE);
  process.once('exit', restore);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => (restore(), process.exit(130)));
  for (let i = 0; i < RUNS; i++) {
    withTemplate.push(await firstStart('template'));
    renameSync(PGLITE_TEMPLATE, aside);
    try {
      withInitdb.push(await firstStart('initdb'));
    } finally {
      renameSync(aside, PGLITE_TEMPLATE);
    }
  }
  const ms = (xs: { ms: number }[]) => median(xs.map((x) => x.ms));
  const mb = (xs: { rssMb: number }[]) => median(xs.map((x) => x.rssMb));
  return [
    figure({ name: 'first berth serve on an empty BERTH_HOME to the API\'s first 200', value: ms(withTemplate), unit: 'ms', runs: RUNS, baseline: { name: 'the same start running initdb', value: ms(withInitdb) }, goal: { atMost: 2000 } }),
    figure({ name: 'peak RSS of that first start', value: mb(withTemplate), unit: 'MB', runs: RUNS, baseline: { name: 'the same start running initdb', value: mb(withInitdb) } }),
  ];
}
