// `npm run bench -- <name>` runs bench/<name>.ts and prints its figures. `npm run bench -- all`
// runs every figure of the performance table, each bench in its own process (a bench's memory,
// ports and control plane never touch the next one's), prints one table and writes
// bench/results/<date>-<machine>.json. `--quick` skips the slow 1M-row export.
// Benchmarks are never part of the test suite.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table, type Figure } from './support.js';

/** Every bench behind the README's performance table, in the order it is printed. */
const ALL = ['cli-cold-start', 'first-start', 'footprint', 'up-to-live', 'rollback', 'status-reads', 'audit-export'];
/** Benches `--quick` leaves out (minutes each). */
const SLOW = new Set(['audit-export']);

const here = fileURLToPath(new URL('.', import.meta.url));
const [name, ...rest] = process.argv.slice(2);
if (!name) {
  console.error(`usage: npm run bench -- <name>|all [--quick]   (names: ${ALL.join(', ')})`);
  process.exit(2);
}

/** Runs one bench module in this process: prints its table; returns its figures (none for a bench that only prints). */
async function runOne(bench: string): Promise<Figure[]> {
  const mod = (await import(`./${bench}.js`)) as { measure?: () => Promise<Figure[]> };
  if (typeof mod.measure !== 'function') return [];
  const figures = await mod.measure();
  console.log(`\n${bench}\n${table(figures)}`);
  return figures;
}

async function machine() {
  const { createDockerEngine } = await import('../src/adapters/docker/docker-engine.js');
  const docker = await createDockerEngine()
    .docker.version()
    .then((v) => v.Version, () => 'unreachable');
  return { hostname: hostname(), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryMb: Math.round(totalmem() / 1048576), kernel: release(), docker, node: process.version };
}

if (name !== 'all') {
  const out = rest[rest.indexOf('--figures-out') + 1];
  const figures = await runOne(name);
  if (rest.includes('--figures-out') && out) writeFileSync(out, JSON.stringify(figures));
  process.exit(0);
}

const quick = rest.includes('--quick');
const scratch = mkdtempSync(join(tmpdir(), 'berth-bench-all-'));
const figures: Figure[] = [];
const problems: { bench: string; problem: string }[] = [];
for (const bench of ALL) {
  if (quick && SLOW.has(bench)) {
    problems.push({ bench, problem: 'skipped (--quick)' });
    continue;
  }
  if (!existsSync(join(here, `${bench}.ts`))) {
    problems.push({ bench, problem: 'missing' });
    continue;
  }
  console.log(`\n== ${bench}`);
  const out = join(scratch, `${bench}.json`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'run.ts'), bench, '--figures-out', out], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(out)) {
    problems.push({ bench, problem: `failed (exit ${r.status ?? r.signal})` });
    continue;
  }
  const got = JSON.parse(readFileSync(out, 'utf8')) as Figure[];
  if (got.length === 0) problems.push({ bench, problem: 'printed no figures (no measure export)' });
  figures.push(...got);
}
rmSync(scratch, { recursive: true, force: true });

const host = await machine();
console.log(`\nBerth performance, ${new Date().toISOString()}: ${host.cpus} × ${host.cpuModel}, ${host.memoryMb} MB, Linux ${host.kernel}, Docker ${host.docker}, Node ${host.node}\n`);
console.log(table(figures));
for (const p of problems) console.log(`  ${p.bench}: ${p.problem}`);

const dir = join(here, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `${new Date().toISOString().slice(0, 10)}-${host.hostname.replace(/[^A-Za-z0-9_.-]+/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), quick, machine: host, figures, problems }, null, 2) + '\n');
console.log(`\nwritten ${file}`);
process.exit(problems.some((p) => p.problem.startsWith('failed')) ? 1 : 0);
