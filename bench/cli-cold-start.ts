// Benchmark: CLI cold start for `berth --help` and for a read command against a running control
// plane, next to `node -e 0` measured in the same run. Medians of RUNS runs, interleaved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaddyEdgeProxy } from '../src/adapters/proxy/caddy-edge-proxy.js';
import { processAlive, readControlPlaneState } from '../src/surfaces/client/state-file.js';
import { figure, median, timeProcess, type Figure } from './support.js';

const RUNS = Number(process.env.RUNS ?? 9);
const BIN = fileURLToPath(new URL('../bin/berth.js', import.meta.url));
export async function measure(): Promise<Figure[]> {
  const home = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  // No edge proxy: nothing here is deployed, and an edge on the default port 80 would outlive the
  // control plane (it does on purpose) and be orphaned when the home is deleted below.
  const env = { ...process.env, BERTH_HOME: home, BERTH_URL: '', BERTH_TOKEN: '', BERTH_DATABASE_URL: '', BERTH_PROXY_BOOTSTRAP: 'false' };

  // Start the control plane once (the first CLI call does it), outside the measurement.
  timeProcess(process.execPath, [BIN, 'system', 'health', '--json'], env);

  const samples = { node: [] as number[], help: [] as number[], read: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    samples.node.push(timeProcess(process.execPath, ['-e', '0']));
    samples.help.push(timeProcess(process.execPath, [BIN, '--help'], env));
    samples.read.push(timeProcess(process.execPath, [BIN, 'resource', 'list', '--json'], env));
  }
  const baseline = { name: 'node -e 0', value: median(samples.node) };

  // Stop the control plane, then anything of its proxy, and only then delete the home: the proxy's
  // pid files live in it, and without them nothing could find its Caddy processes again.
  const pid = readControlPlaneState(home)?.pid;
  if (pid) process.kill(pid, 'SIGTERM');
  for (let i = 0; pid && processAlive(pid) && i < 400; i++) await new Promise((r) => setTimeout(r, 50));
  const proxy = new CaddyEdgeProxy({ home });
  await proxy.stop();
  const left = Object.values(proxy.pids()).filter((p) => p !== undefined);
  if ((pid && processAlive(pid)) || left.length > 0) throw new Error(`left running: control plane ${pid}, proxy ${left.join(' ')}`);
  rmSync(home, { recursive: true, force: true });
  return [
    figure({ name: 'berth --help', value: median(samples.help), unit: 'ms', runs: RUNS, baseline, goal: { ratioAtMost: 1.8 } }),
    figure({ name: 'berth resource list --json (running control plane)', value: median(samples.read), unit: 'ms', runs: RUNS, baseline, goal: { ratioAtMost: 1.8 } }),
  ];
}
