// Benchmark: CLI cold start for `berth --help` and for a read command against a running control
// plane, next to `node -e 0` measured in the same run. Medians of RUNS runs, interleaved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readControlPlaneState } from '../src/surfaces/client/state-file.js';
import { fmt, median, timeProcess } from './support.js';

const RUNS = Number(process.env.RUNS ?? 9);
const BIN = fileURLToPath(new URL('../bin/berth.js', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'berth-bench-'));
const env = { ...process.env, BERTH_HOME: home, BERTH_URL: '', BERTH_TOKEN: '', BERTH_DATABASE_URL: '' };

// Start the control plane once (the first CLI call does it), outside the measurement.
timeProcess(process.execPath, [BIN, 'system', 'health', '--json'], env);

const samples = { node: [] as number[], help: [] as number[], read: [] as number[] };
for (let i = 0; i < RUNS; i++) {
  samples.node.push(timeProcess(process.execPath, ['-e', '0']));
  samples.help.push(timeProcess(process.execPath, [BIN, '--help'], env));
  samples.read.push(timeProcess(process.execPath, [BIN, 'resource', 'list', '--json'], env));
}
const base = median(samples.node);
console.log(`cli cold start, median of ${RUNS} runs`);
console.log(`  node -e 0                 ${fmt(base)}  (baseline)`);
console.log(`  berth --help              ${fmt(median(samples.help))}  ${(median(samples.help) / base).toFixed(2)}x baseline`);
console.log(`  berth resource list --json ${fmt(median(samples.read))}  ${(median(samples.read) / base).toFixed(2)}x baseline`);

const pid = readControlPlaneState(home)?.pid;
if (pid) process.kill(pid, 'SIGTERM');
setTimeout(() => rmSync(home, { recursive: true, force: true }), 500);
