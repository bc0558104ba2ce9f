import { routeId } from '../../core/access/generated-url.js';
import { BerthError } from '../../core/errors/berth-error.js';
import type { Deployment } from '../../core/deployments/deployment.js';
import { recoveryHint } from '../../core/deployments/recovery-hint.js';
import { ACTIVE_STATUSES } from '../../core/deployments/status.js';
import type { ErrorObject } from '../../core/errors/types.js';
import { LABELS } from '../../ports/container-engine.js';
import type { Targets } from '../../ports/deploy-runtime.js';
import type { Store } from '../../ports/store.js';
import type { Actor } from '../../core/model/records.js';
import { withTargetLock } from '../servers/target-lock.js';
import { AttemptJournal } from './journal.js';
import { teardown } from './teardown.js';

export type ContainerAccount = { id: string; action: 'removed' | 'kept-serving' | 'remove-failed' };

const RECONCILER: Actor = { kind: 'system', id: 'reconciler' };

/**
 * Accounts for the containers of an attempt no runner owns any more: the one the proxy still
 * routes to is kept and named, every other container of the attempt is removed (and its
 * networks with the last of them), so nothing is left running unlabelled or unowned.
 */
export async function accountContainers(store: Store, targets: Targets, d: Deployment): Promise<ContainerAccount[]> {
  const server = await store.servers.get(d.serverId);
  if (!server) return [];
  let target;
  try {
    target = targets.forServer(server);
  } catch (err) {
    // A target this control plane cannot drive never got a container from it: nothing to account.
    if (err instanceof BerthError && err.code === 'server_unsupported') return [];
    throw err;
  }
  // Nothing of the attempt on its engine: nothing to change, so no lock to wait for.
  if ((await target.engine.listContainers({ [LABELS.deployment]: d.id })).length === 0 && !d.runtime?.networks?.length) return [];
  // A server's containers change only under its lock, the dead attempt's cleanup included.
  const down = await withTargetLock({ store, target, server, correlationId: `reconcile:${d.id}`, actor: RECONCILER, log: () => undefined, deploymentId: d.id }, async () => {
    const routed = d.runtime?.routedUpstream;
    const observed = routed ? await target.proxy.getRoute(routeId(d.resourceId, d.preview)).catch(() => undefined) : undefined;
    const listed = await target.engine.listContainers({ [LABELS.deployment]: d.id });
    const kept = listed.filter((c) => observed && c.ip && observed.upstream.startsWith(`${c.ip}:`)).map((c) => c.id);
    const removed = await teardown(target.engine, {
      containers: listed.map((c) => c.id).filter((id) => !kept.includes(id)),
      // Networks go with the last container: a kept-serving one still needs them.
      networks: kept.length > 0 ? [] : (d.runtime?.networks ?? []),
      stopTimeoutSeconds: 0,
    });
    return { kept, ...removed };
  });
  return [
    ...down.kept.map((id) => ({ id, action: 'kept-serving' as const })),
    ...down.removed.map((id) => ({ id, action: 'removed' as const })),
    ...down.failed.map((f) => ({ id: f.id, action: 'remove-failed' as const })),
  ];
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
