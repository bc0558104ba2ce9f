import type { RuntimeRecord } from '../../core/deployments/deployment.js';
import type { ContainerEngine } from '../../ports/container-engine.js';

/** Stops and removes an attempt's containers, then its networks (images stay: they are artifacts). */
export async function teardownRuntime(engine: ContainerEngine, runtime: RuntimeRecord, stopTimeoutSeconds = 10): Promise<string[]> {
  const removed: string[] = [];
  for (const c of runtime.containers) {
    if (stopTimeoutSeconds > 0) await engine.stop(c.id, stopTimeoutSeconds).catch(() => undefined);
    await engine.remove(c.id).catch(() => undefined);
    removed.push(c.id);
  }
  for (const n of runtime.networks ?? [runtime.network]) await engine.removeNetwork(n).catch(() => undefined);
  return removed;
}
