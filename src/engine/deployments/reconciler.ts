import { BerthError } from '../../core/errors/berth-error.js';
import { recoveryHint } from '../../core/deployments/recovery-hint.js';
import { ACTIVE_STATUSES } from '../../core/deployments/status.js';
import { LABELS } from '../../ports/container-engine.js';
import type { DeploymentRunnerPort, Targets } from '../../ports/deploy-runtime.js';
import type { Store } from '../../ports/store.js';
import { AttemptJournal } from './journal.js';
import { routeId } from '../../core/access/generated-url.js';

export interface ReconcilerDeps {
  store: Store;
  targets: Targets;
  runner: DeploymentRunnerPort;
  staleAfterSeconds: number;
  log: (msg: string, err?: unknown) => void;
}

/**
 * Ends attempts whose runner died (heartbeat older than the stale window) as `interrupted`, and
 * accounts for their containers: the one the proxy still routes to is kept and named, every
 * other container of the attempt is removed, so nothing is left running unlabelled or unowned.
 */
export async function reconcileStale(deps: ReconcilerDeps): Promise<string[]> {
  const cutoff = new Date(Date.now() - deps.staleAfterSeconds * 1000).toISOString();
  const ended: string[] = [];
  for (const d of await deps.store.deployments.stale(cutoff)) {
    if (deps.runner.isRunningHere(d.id)) continue;
    try {
      const server = await deps.store.servers.get(d.serverId);
      const containers: { id: string; action: 'removed' | 'kept-serving' }[] = [];
      if (server) {
        const target = deps.targets.forServer(server);
        const routed = d.runtime?.routedUpstream;
        const observed = routed ? await target.proxy.getRoute(routeId(d.resourceId, d.preview)).catch(() => undefined) : undefined;
        for (const c of await target.engine.listContainers({ [LABELS.deployment]: d.id })) {
          const serving = observed && c.ip && observed.upstream.startsWith(`${c.ip}:`);
          if (serving) containers.push({ id: c.id, action: 'kept-serving' });
          else {
            await target.engine.remove(c.id).catch(() => undefined);
            containers.push({ id: c.id, action: 'removed' });
          }
        }
        if (!containers.some((c) => c.action === 'kept-serving')) {
          for (const n of d.runtime?.networks ?? []) await target.engine.removeNetwork(n).catch(() => undefined);
        }
      }
      const error = new BerthError('deployment_interrupted', 'The attempt stopped heartbeating: its control plane died.', {
        lastHeartbeatAt: d.heartbeatAt,
        staleAfterSeconds: deps.staleAfterSeconds,
        containers,
      }).toObject();
      const journal = new AttemptJournal(deps.store, d.id);
      const moved = await journal.transition(ACTIVE_STATUSES, {
        status: 'interrupted',
        finishedAt: new Date().toISOString(),
        error,
        recoveryHint: recoveryHint('interrupted', d.currentPhase, error),
      });
      if (moved) {
        await journal.event('step', d.currentPhase, { step: 'reconcile', containers });
        ended.push(d.id);
      }
    } catch (err) {
      deps.log(`reconciler could not end ${d.id}`, err);
    }
  }
  return ended;
}

/** Runs the reconciler at start and then periodically; returns a stop function. */
export function startReconciler(deps: ReconcilerDeps, everyMs: number): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await reconcileStale(deps);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
