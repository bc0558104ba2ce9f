// Benchmark (issue 13): a first `berth serve` on a fresh BERTH_HOME, from spawn to the API's first
// 200, with the pre-initialised PGlite data directory the build ships, divided by the same start
// running initdb (the template moved aside), in the same run, median of RUNS; and peak RSS of each.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const PGLITE_TEMPLATE = new URL('../dist/adapters/store/pglite-template.tar.gz', import.meta.url).pathname;
import { fmt, median } from './support.js';

const RUNS = Number(process.env.RUNS ?? 5);
const BIN = new URL('../bin/berth.js', import.meta.url).pathname;
if (!existsSync(PGLITE_TEMPLATE)) throw new Error('no template: run npm run build first');

/** ms from spawn to GET /api/health 200, and the process's peak RSS (VmHWM) in MB. */
async function firstStart(): Promise<{ ms: number; rssMb: number }> {
  const home = mkdtempSync(join(tmpdir(), 'berth-first-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env: { ...process.env, BERTH_HOME: home, BERTH_PROXY_BOOTSTRAP: 'false' }, stdio: 'ignore' });
  try {
    for (;;) {
      const stateFile = join(home, 'control-plane.json');
      if (existsSync(stateFile)) {
        const { url } = JSON.parse(readFileSync(stateFile, 'utf8')) as { url: string };
        const ok = await fetch(`${url}/api/health`).then((r) => r.status === 200, () => false);
        if (ok) break;
      }
      if (child.exitCode !== null) throw new Error('berth serve exited');
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - t0;
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
    return { ms, rssMb: Number(hwm ?? 0) / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(home, { recursive: true, force: true });
  }
}

const withTemplate: { ms: number; rssMb: number }[] = [];
const withInitdb: { ms: number; rssMb: number }[] = [];
const aside = `${PGLITE_TEMPLATE}.aside`;
for (let i = 0; i < RUNS; i++) {
  withTemplate.push(await firstStart());
  renameSync(PGLITE_TEMPLATE, aside);
  try {
    withInitdb.push(await firstStart());
  } finally {
    renameSync(aside, PGLITE_TEMPLATE);
  }
}
const t = median(withTemplate.map((x) => x.ms));
const b = median(withInitdb.map((x) => x.ms));
console.log(`first berth serve on a fresh home to the API's first 200, median of ${RUNS} runs`);
console.log(`  initdb at start (no template)     ${fmt(b)}  (baseline), peak RSS ${median(withInitdb.map((x) => x.rssMb)).toFixed(0)} MB`);
console.log(`  pre-initialised data directory    ${fmt(t)}  ${(t / b).toFixed(2)}x baseline, peak RSS ${median(withTemplate.map((x) => x.rssMb)).toFixed(0)} MB`);
