import type { Deployment } from '../../core/deployments/deployment.js';
import { toBerthError } from '../../core/errors/berth-error.js';
import type { Attempt, RunnerDeps } from './attempt.js';
import { sleep } from './deadline.js';
import { liveDeployments } from './serving.js';
import { teardownRuntime } from './teardown.js';

/**
 * After the route switched to a new version: let the old versions finish in-flight requests,
 * then stop and remove their containers. Their images stay: they are the artifact a rollback
 * needs. Never throws: the new version is live and stays live. A version whose containers could
 * not all be removed keeps its runtime (not marked retired) and a `retire-failed` warning is
 * journalled; the next successful deploy tries again.
 */
export async function retirePrevious(deps: Pick<RunnerDeps, 'store' | 'settings' | 'log'>, a: Attempt): Promise<void> {
  const engine = a.ctx!.target.engine;
  let olds: Deployment[] = [];
  try {
    olds = await liveDeployments(deps.store, a.d, a.id);
    if (olds.length > 0) await sleep(deps.settings.drainMs);
  } catch (err) {
    return warn(deps, a, { code: toBerthError(err, a.id).code });
  }
  for (const old of olds) {
    try {
      const down = await teardownRuntime(engine, old.runtime!);
      if (down.failed.length > 0) {
        await warn(deps, a, { deploymentId: old.id, code: down.failed[0]!.code, containers: down.failed.map((f) => f.id) });
        continue;
      }
      await deps.store.deployments.update(old.id, { runtime: { ...old.runtime!, retiredAt: new Date().toISOString() } });
      await a.journal.event('step', 'verify', { step: 'retire-previous', deploymentId: old.id, containers: down.removed });
    } catch (err) {
      await warn(deps, a, { deploymentId: old.id, code: toBerthError(err, a.id).code });
    }
  }
}

async function warn(deps: Pick<RunnerDeps, 'log'>, a: Attempt, data: Record<string, unknown>): Promise<void> {
  await a.journal.event('step', 'verify', { step: 'retire-previous', outcome: 'retire-failed', warning: true, ...data }).catch((err) => deps.log(`retire warning of ${a.id} not written`, err));
}
