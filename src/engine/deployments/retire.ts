import type { Deployment } from '../../core/deployments/deployment.js';
import { keepsWarm } from '../../core/deployments/warm.js';
import { toBerthError } from '../../core/errors/berth-error.js';
import type { Attempt, RunnerDeps } from './attempt.js';
import { sleep } from './deadline.js';
import { liveDeployments } from './serving.js';
import { teardownRuntime, type Teardown } from './teardown.js';
import { retireWarm } from './warm-expiry.js';

/**
 * After the route switched to a new version: let the old versions finish in-flight requests,
 * then stop and remove their containers. Their images stay: they are the artifact a rollback
 * needs. Never throws: the new version is live and stays live. A version whose containers could
 * not all be removed keeps its runtime (not marked retired) and a `retire-failed` warning is
 * journalled; the next successful deploy tries again.
 *
 * With a warm window (BERTH_ROLLBACK_WARM_SECONDS), the version this switch replaced keeps
 * running until `runtime.warmUntil` instead, so a rollback to it is a route switch; the
 * reconciler retires it when the window closes (warm-expiry.ts). An older version that was warm
 * is retired by compare-and-set, so a rollback taking it over meanwhile keeps it.
 */
export async function retirePrevious(deps: Pick<RunnerDeps, 'store' | 'settings' | 'log'>, a: Attempt): Promise<void> {
  const engine = a.ctx!.target.engine;
  let olds: Deployment[] = [];
  try {
    olds = await liveDeployments(deps.store, a.d, a.id);
    const replaced = olds.find((o) => o.id === a.ctx!.previous?.id);
    if (replaced && keepsWarm(deps.settings.rollbackWarmSeconds, replaced)) {
      const warmUntil = new Date(Date.now() + deps.settings.rollbackWarmSeconds * 1000).toISOString();
      await deps.store.deployments.update(replaced.id, { runtime: { ...replaced.runtime!, warmUntil } });
      await a.journal.event('step', 'verify', { step: 'warm', outcome: 'kept-warm', deploymentId: replaced.id, warmUntil });
      olds = olds.filter((o) => o !== replaced);
    }
    // A warm version had no traffic since its own switch: only the one just replaced drains.
    if (olds.some((o) => !o.runtime!.warmUntil)) await sleep(deps.settings.drainMs);
  } catch (err) {
    return warn(deps, a, { code: toBerthError(err, a.id).code });
  }
  for (const old of olds) {
    try {
      let down: Teardown | undefined;
      if (old.runtime!.warmUntil) {
        down = await retireWarm(deps.store, engine, old);
        if (!down) continue; // taken over by a rollback, or retired meanwhile
      } else {
        down = await teardownRuntime(engine, old.runtime!);
      }
      if (down.failed.length > 0) {
        await warn(deps, a, { deploymentId: old.id, code: down.failed[0]!.code, containers: down.failed.map((f) => f.id) });
        continue;
      }
      if (!old.runtime!.warmUntil) await deps.store.deployments.update(old.id, { runtime: { ...old.runtime!, retiredAt: new Date().toISOString() } });
      await a.journal.event('step', 'verify', { step: 'retire-previous', deploymentId: old.id, containers: down.removed });
    } catch (err) {
      await warn(deps, a, { deploymentId: old.id, code: toBerthError(err, a.id).code });
    }
  }
}

async function warn(deps: Pick<RunnerDeps, 'log'>, a: Attempt, data: Record<string, unknown>): Promise<void> {
  await a.journal.event('step', 'verify', { step: 'retire-previous', outcome: 'retire-failed', warning: true, ...data }).catch((err) => deps.log(`retire warning of ${a.id} not written`, err));
}
