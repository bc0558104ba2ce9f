import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Median of samples (the machine is shared and noisy: one run says little). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Wall time of one process run, in milliseconds; throws when it fails. */
export function timeProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return ms;
}

export const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

/**
 * A goal, in the figure's unit: an upper bound on the value, a lower bound, an upper bound on the
 * ratio to the baseline, or several (all must hold).
 */
export interface Goal {
  atMost?: number;
  atLeast?: number;
  ratioAtMost?: number;
}

/**
 * One measured figure, the shape every bench module returns from `measure()` and `npm run bench --
 * all` collects: the median of `runs` samples, the baseline measured in the same run (null when
 * the figure is absolute, e.g. a failed-request count) and the ratio to it, the goal and whether
 * it is met (null when the figure has no goal).
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  runs: number;
  baseline: { name: string; value: number } | null;
  ratio: number | null;
  goal: Goal;
  met: boolean | null;
}

/** A figure with its ratio and met computed from the value, the baseline and the goal. */
export function figure(f: { name: string; value: number; unit: string; runs: number; baseline?: { name: string; value: number }; goal?: Goal }): Figure {
  const goal = f.goal ?? {};
  const ratio = f.baseline && f.baseline.value > 0 ? f.value / f.baseline.value : null;
  const checks = [
    goal.atMost === undefined ? undefined : f.value <= goal.atMost,
    goal.atLeast === undefined ? undefined : f.value >= goal.atLeast,
    goal.ratioAtMost === undefined ? undefined : ratio !== null && ratio <= goal.ratioAtMost,
  ].filter((c): c is boolean => c !== undefined);
  return { name: f.name, value: f.value, unit: f.unit, runs: f.runs, baseline: f.baseline ?? null, ratio, goal, met: checks.length ? checks.every(Boolean) : null };
}

export function goalText(g: Goal, unit: string): string {
  const parts = [g.atMost === undefined ? '' : `≤ ${g.atMost} ${unit}`, g.atLeast === undefined ? '' : `≥ ${g.atLeast} ${unit}`, g.ratioAtMost === undefined ? '' : `≤ ${g.ratioAtMost}×`];
  return parts.filter(Boolean).join(' and ') || '-';
}

const num = (v: number, unit: string) => `${v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1)} ${unit}`;

/** The figures as one table: figure, baseline, ratio, goal, met. */
export function table(figures: Figure[]): string {
  const rows = [
    ['figure', 'value', 'baseline', 'ratio', 'goal', 'met?'],
    ...figures.map((f) => [
      `${f.name} (${f.runs === 1 ? '1 run' : `median of ${f.runs}`})`,
      num(f.value, f.unit),
      f.baseline ? `${f.baseline.name}: ${num(f.baseline.value, f.unit)}` : '-',
      f.ratio === null ? '-' : `${f.ratio.toFixed(2)}×`,
      goalText(f.goal, f.unit),
      f.met === null ? '-' : f.met ? 'yes' : 'NO',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

/** A process's resident set now (VmRSS) and its peak so far (VmHWM), in MB, from procfs. */
export function rssOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** A benchmark's control plane, as far as shutting it down goes. */
interface BenchPlane {
  runner: { idle(): Promise<void> };
  store: { deployments: { list(q: { limit: number; includeArchived: boolean }): Promise<{ runtime: { containers: { id: string }[]; network: string; networks?: string[] } | null }[]> } };
  targets: { local: { engine: { remove(id: string): Promise<unknown>; removeNetwork(name: string): Promise<unknown> }; proxy: { stop(): Promise<unknown> } } };
  close(): Promise<void>;
}

/** Waits for the runner, removes every container and network the benchmark's attempts made, and stops the plane and its proxy. */
export async function shutDown(plane: BenchPlane): Promise<void> {
  await plane.runner.idle();
  for (const d of await plane.store.deployments.list({ limit: 100, includeArchived: true })) {
    for (const c of d.runtime?.containers ?? []) await plane.targets.local.engine.remove(c.id).catch(() => undefined);
    // Left behind, they would use up Berth's subnet pool run after run.
    for (const n of d.runtime ? (d.runtime.networks ?? [d.runtime.network]) : []) await plane.targets.local.engine.removeNetwork(n).catch(() => undefined);
  }
  await plane.close();
  await plane.targets.local.proxy.stop();
}
