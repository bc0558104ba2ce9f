import { spawnSync } from 'node:child_process';

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

/** A benchmark's control plane, as far as shutting it down goes. */
interface BenchPlane {
  runner: { idle(): Promise<void> };
  store: { deployments: { list(q: { limit: number; includeArchived: boolean }): Promise<{ runtime: { containers: { id: string }[] } | null }[]> } };
  targets: { local: { engine: { remove(id: string): Promise<unknown> }; proxy: { stop(): Promise<unknown> } } };
  close(): Promise<void>;
}

/** Waits for the runner, removes every container the benchmark's attempts started, stops the plane and its proxy, and exits. */
export async function shutDown(plane: BenchPlane): Promise<never> {
  await plane.runner.idle();
  for (const d of await plane.store.deployments.list({ limit: 100, includeArchived: true })) {
    for (const c of d.runtime?.containers ?? []) await plane.targets.local.engine.remove(c.id).catch(() => undefined);
  }
  await plane.close();
  await plane.targets.local.proxy.stop();
  process.exit(0);
}
