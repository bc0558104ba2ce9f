import { BerthError } from '../../core/errors/berth-error.js';
import type { DeploymentRunnerPort, Targets } from '../../ports/deploy-runtime.js';
import type { Store } from '../../ports/store.js';
import { endOrphan } from './orphan.js';
import { sweepRetiredLeftovers } from './leftovers.js';
import { retireExpiredWarm } from './warm-expiry.js';
import { trackWork } from '../../core/work/track.js';

export interface ReconcilerDeps {
  store: Store;
  targets: Targets;
  runner: DeploymentRunnerPort;
  staleAfterSeconds: number;
  log: (msg: string, err?: unknown) => void;
}

/**
 * Ends attempts whose runner died (heartbeat older than the stale window) as `interrupted` (or
 * `canceled` when a cancel was pending), after accounting for their containers (orphan.ts).
 */
export async function reconcileStale(deps: ReconcilerDeps): Promise<string[]> {
  const cutoff = new Date(Date.now() - deps.staleAfterSeconds * 1000).toISOString();
  const ended: string[] = [];
  for (const d of await deps.store.deployments.stale(cutoff)) {
    if (deps.runner.isRunningHere(d.id)) continue;
    try {
      const moved = await endOrphan(deps.store, deps.targets, d, (containers) =>
        new BerthError('deployment_interrupted', 'The attempt stopped heartbeating: its control plane died.', {
          lastHeartbeatAt: d.heartbeatAt,
          staleAfterSeconds: deps.staleAfterSeconds,
          containers,
        }).toObject(),
      );
      if (moved) ended.push(d.id);
    } catch (err) {
      deps.log(`reconciler could not end ${d.id}`, err);
    }
  }
  return ended;
}

/** Runs the reconciler (stale attempts, closed warm windows, then retired leftovers) at start and then periodically; returns a stop function. */
export function startReconciler(deps: ReconcilerDeps, everyMs: number): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      // A tick is a work item when it ended something or failed (ticks are frequent).
      const reconcile = async () => ({
        ended: await reconcileStale(deps),
        warmRetired: await retireExpiredWarm(deps.store, deps.targets, deps.log),
        swept: await sweepRetiredLeftovers(deps.store, deps.targets, deps.log),
      });
      await trackWork(deps.store.work, { kind: 'reconcile' }, reconcile, {
        recordSuccessIf: (r) => r.ended.length > 0 || r.warmRetired.length > 0 || r.swept.length > 0,
        detailsOf: (r) => r,
      }).catch((err) => deps.log('reconcile tick failed', err));
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
