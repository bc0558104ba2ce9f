import type { Deployment } from '../../core/deployments/deployment.js';
import { BerthError } from '../../core/errors/berth-error.js';
import type { Actor } from '../../core/model/records.js';
import type { ContainerEngine } from '../../ports/container-engine.js';
import type { Targets } from '../../ports/deploy-runtime.js';
import type { Store } from '../../ports/store.js';
import { withTargetLock } from '../servers/target-lock.js';
import { servingDeployment } from './serving.js';
import { teardownRuntime, type Teardown } from './teardown.js';

const SWEEPER: Actor = { kind: 'system', id: 'reconciler' };

/**
 * Retires a version that was kept warm: marked retired first, by compare-and-set, then taken down.
 * Undefined when it was no longer live (a rollback took it over, or it was retired meanwhile):
 * nothing is touched. Containers the engine refused to remove stay under a retired runtime, where
 * the leftover sweep (leftovers.ts) removes them on a later tick.
 */
export async function retireWarm(store: Pick<Store, 'deployments'>, engine: ContainerEngine, d: Deployment): Promise<Teardown | undefined> {
  if (!(await store.deployments.releaseRuntime(d.id, { ...d.runtime!, retiredAt: new Date().toISOString() }))) return undefined;
  return teardownRuntime(engine, d.runtime!);
}

/**
 * The reconciler's half of the warm window: every version whose window has closed is retired,
 * under its server's lock. The deadline is in the store, so a control plane that restarted (or
 * was down when the window closed) retires it on its next tick. Returns the attempts retired.
 */
export async function retireExpiredWarm(store: Store, targets: Targets, log: (msg: string, err?: unknown) => void): Promise<string[]> {
  const retired: string[] = [];
  for (const d of await store.deployments.warmExpired(new Date().toISOString())) {
    try {
      // Never the version serving now (a warm version is always an older one: this only guards).
      if ((await servingDeployment(store, d))?.id === d.id) continue;
      const server = await store.servers.get(d.serverId);
      if (!server) continue;
      const target = targets.forServer(server);
      const down = await withTargetLock({ store, target, server, correlationId: `warm-expired:${d.id}`, actor: SWEEPER, log, deploymentId: d.id }, () => retireWarm(store, target.engine, d));
      if (down) retired.push(d.id);
    } catch (err) {
      // The engine is unreachable or the server has no target yet: the next tick tries again.
      if (err instanceof BerthError) log(`warm expiry skipped ${d.id}: ${err.code}`);
      else log(`warm expiry failed on ${d.id}`, err);
    }
  }
  return retired;
}
