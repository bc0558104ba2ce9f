import { routeId } from '../../core/access/generated-url.js';
import type { Deployment } from '../../core/deployments/deployment.js';
import { recoveryHint } from '../../core/deployments/recovery-hint.js';
import { ACTIVE_STATUSES } from '../../core/deployments/status.js';
import type { ErrorObject } from '../../core/errors/types.js';
import { LABELS } from '../../ports/container-engine.js';
import type { Targets } from '../../ports/deploy-runtime.js';
import type { Store } from '../../ports/store.js';
import { AttemptJournal } from './journal.js';

export type ContainerAccount = { id: string; action: 'removed' | 'kept-serving' };

/**
 * Accounts for the containers of an attempt no runner owns any more: the one the proxy still
 * routes to is kept and named, every other container of the attempt is removed (and its
 * networks with the last of them), so nothing is left running unlabelled or unowned.
 */
export async function accountContainers(store: Store, targets: Targets, d: Deployment): Promise<ContainerAccount[]> {
  const server = await store.servers.get(d.serverId);
  if (!server) return [];
  const target = targets.forServer(server);
  const routed = d.runtime?.routedUpstream;
  const observed = routed ? await target.proxy.getRoute(routeId(d.resourceId, d.preview)).catch(() => undefined) : undefined;
  const containers: ContainerAccount[] = [];
  for (const c of await target.engine.listContainers({ [LABELS.deployment]: d.id })) {
    const serving = observed && c.ip && observed.upstream.startsWith(`${c.ip}:`);
    if (serving) containers.push({ id: c.id, action: 'kept-serving' });
    else {
      await target.engine.remove(c.id).catch(() => undefined);
      containers.push({ id: c.id, action: 'removed' });
    }
  }
  // Networks go with the last container: a kept-serving one still needs them.
  if (!containers.some((c) => c.action === 'kept-serving')) {
    for (const n of d.runtime?.networks ?? []) await target.engine.removeNetwork(n).catch(() => undefined);
  }
  return containers;
}

/**
 * Ends an active attempt that no runner owns: its containers accounted for, then `canceled`
 * when a cancel was asked for, `interrupted` (with the given error) otherwise. False when the
 * attempt had already moved on.
 */
export async function endOrphan(store: Store, targets: Targets, d: Deployment, error: (containers: ContainerAccount[]) => ErrorObject | null): Promise<boolean> {
  const containers = await accountContainers(store, targets, d);
  const canceled = d.status === 'cancel-requested';
  const status = canceled ? 'canceled' : 'interrupted';
  const errorObject = canceled ? null : error(containers);
  const journal = new AttemptJournal(store, d.id);
  const moved = await journal.transition(ACTIVE_STATUSES, {
    status,
    finishedAt: new Date().toISOString(),
    error: errorObject,
    recoveryHint: recoveryHint(status, d.currentPhase, errorObject),
  });
  if (moved) await journal.event('step', d.currentPhase, { step: canceled ? 'cancel-unowned' : 'reconcile', containers });
  return moved;
}
