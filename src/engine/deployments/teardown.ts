import type { RuntimeRecord } from '../../core/deployments/deployment.js';
import { toBerthError } from '../../core/errors/berth-error.js';
import type { ContainerEngine } from '../../ports/container-engine.js';

export interface Teardown {
  removed: string[];
  /** Containers the engine refused to remove (a container already gone counts as removed). */
  failed: { id: string; code: string }[];
}

/**
 * The one way Berth takes containers down: stop each (when a grace period is given), remove it,
 * then remove the networks (one still in use stays: its other users remove it). Images stay:
 * they are the artifacts a rollback reuses. Never throws; what failed is reported.
 */
export async function teardown(engine: ContainerEngine, x: { containers: readonly string[]; networks: readonly string[]; stopTimeoutSeconds: number }): Promise<Teardown> {
  const out: Teardown = { removed: [], failed: [] };
  for (const id of x.containers) {
    if (x.stopTimeoutSeconds > 0) await engine.stop(id, x.stopTimeoutSeconds).catch(() => undefined);
    try {
      await engine.remove(id);
      out.removed.push(id);
    } catch (err) {
      out.failed.push({ id, code: toBerthError(err, id).code });
    }
  }
  for (const n of x.networks) await engine.removeNetwork(n).catch(() => undefined);
  return out;
}

/** Tears down what one attempt started, as its runtime record lists it. */
export function teardownRuntime(engine: ContainerEngine, runtime: RuntimeRecord, stopTimeoutSeconds = 10): Promise<Teardown> {
  return teardown(engine, { containers: runtime.containers.map((c) => c.id), networks: runtime.networks ?? [runtime.network], stopTimeoutSeconds });
}
