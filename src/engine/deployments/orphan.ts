import { routeId } from '../../core/access/generated-url.js';
import { BerthError } from '../../core/errors/berth-error.js';
import type { Deployment, RuntimeRecord } from '../../core/deployments/deployment.js';
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
 * networks with the last of them), so nothing is left running unlabelled or unowned. A warm
 * rollback's containers are those it took over (labelled with its candidate).
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
  const taken = await takenOver(store, d);
  const networks = [...new Set([...(d.runtime?.networks ?? []), ...(taken?.networks ?? [])])];
  const containersOf = async () => {
    const labelled = await target.engine.listContainers({ [LABELS.deployment]: d.id });
    if (!taken) return labelled;
    const ids = new Set(taken.containers.map((c) => c.id));
    return [...labelled, ...(await target.engine.listContainers({ [LABELS.managed]: 'true' })).filter((c) => ids.has(c.id))];
  };
  // Nothing of the attempt on its engine: nothing to change, so no lock to wait for.
  if ((await containersOf()).length === 0 && networks.length === 0) return [];
  // A server's containers change only under its lock, the dead attempt's cleanup included.
  const down = await withTargetLock({ store, target, server, correlationId: `reconcile:${d.id}`, actor: RECONCILER, log: () => undefined, deploymentId: d.id }, async () => {
    const routed = d.runtime?.routedUpstream;
    const observed = routed ? await target.proxy.getRoute(routeId(d.resourceId, d.preview)).catch(() => undefined) : undefined;
    const listed = await containersOf();
    const kept = listed.filter((c) => observed && c.ip && observed.upstream.startsWith(`${c.ip}:`)).map((c) => c.id);
    const removed = await teardown(target.engine, {
      containers: listed.map((c) => c.id).filter((id) => !kept.includes(id)),
      // Networks go with the last container: a kept-serving one still needs them.
      networks: kept.length > 0 ? [] : networks,
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
 * The warm candidate's runtime when this (rollback) attempt took its containers over: they carry
 * the candidate's label, and may not be in this attempt's record yet if it died right after.
 */
async function takenOver(store: Store, d: Deployment): Promise<RuntimeRecord | undefined> {
  const candidateId = d.snapshot.rollback?.candidateId;
  const candidate = candidateId ? await store.deployments.get(candidateId) : undefined;
  return candidate?.runtime?.handedOverTo === d.id ? candidate.runtime : undefined;
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
