import { BerthError } from '../../core/errors/berth-error.js';
import { isTerminal } from '../../core/deployments/status.js';
import { runtimeOwner } from '../../core/deployments/warm.js';
import { LABELS } from '../../ports/container-engine.js';
import type { Targets } from '../../ports/deploy-runtime.js';
import type { Store } from '../../ports/store.js';
import type { Actor } from '../../core/model/records.js';
import { withTargetLock } from '../servers/target-lock.js';
import { teardownRuntime } from './teardown.js';

const SWEEPER: Actor = { kind: 'system', id: 'reconciler' };

/**
 * Removes what ended attempts left on their engines: the containers and networks of a retired
 * runtime (its teardown ran while the engine was down, so they outlived the attempt). A runtime
 * that is not retired may still serve, and is never touched here; nor is one handed over to a
 * warm rollback, whose runtime holds them now. Returns the attempts swept.
 */
export async function sweepRetiredLeftovers(store: Store, targets: Targets, log: (msg: string, err?: unknown) => void): Promise<string[]> {
  const swept: string[] = [];
  for (const server of await store.servers.list()) {
    try {
      const target = targets.forServer(server);
      const engine = target.engine;
      const attempts = new Set((await engine.listContainers({ [LABELS.managed]: 'true' })).map((c) => c.labels[LABELS.deployment]).filter((id): id is string => Boolean(id)));
      for (const id of attempts) {
        // The label names the attempt that started them; a warm rollback may own them since.
        const d = await runtimeOwner(id, (x) => store.deployments.get(x));
        if (!d || !isTerminal(d.status) || !d.runtime?.retiredAt) continue;
        const runtime = d.runtime;
        // Under the server's lock, as every change to a server's containers.
        await withTargetLock({ store, target, server, correlationId: `sweep:${id}`, actor: SWEEPER, log, deploymentId: id }, async () => {
          const present = await engine.listContainers({ [LABELS.deployment]: id });
          await teardownRuntime(engine, { ...runtime, containers: present.map((c) => ({ id: c.id, name: c.id, service: c.labels[LABELS.service] ?? '', ip: c.ip ?? '' })) }, 0);
        });
        swept.push(id);
      }
    } catch (err) {
      // The engine is unreachable or the server has no target yet: the next tick tries again.
      if (err instanceof BerthError) log(`leftover sweep skipped server ${server.id}: ${err.code}`);
      else log(`leftover sweep failed on server ${server.id}`, err);
    }
  }
  return swept;
}
