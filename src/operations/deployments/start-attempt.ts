import { currentServer } from './deploy-server.js';
import { deploymentEventType } from '../../core/audit/event-types.js';
import { fail } from '../../core/errors/berth-error.js';
import type { Deployment, DeploymentSnapshot, DeploymentTrigger } from '../../core/deployments/deployment.js';
import { ACTIVE_STATUSES } from '../../core/deployments/status.js';
import { newId } from '../../core/ids/ids.js';
import type { Actor, Resource, Server } from '../../core/model/records.js';
import type { StoreRepos } from '../../ports/store.js';
import { ensureLocalServer } from '../servers/servers.js';

/**
 * Records a new attempt (status `created`) with its frozen snapshot. One active attempt per
 * resource and preview key: a second one is deployment_in_progress. The caller starts the runner
 * after the transaction commits.
 */
export async function createAttempt(
  tx: StoreRepos,
  actor: Actor,
  now: Date,
  x: {
    resource: Resource;
    trigger: DeploymentTrigger;
    /** target defaults to the server the resource runs on (else the local server), secretNames to the resource's (a retry passes the old snapshot's). */
    snapshot: Omit<DeploymentSnapshot, 'target' | 'secretNames'> & Partial<Pick<DeploymentSnapshot, 'target' | 'secretNames'>>;
    /** The server the caller already resolved in this transaction (it wins over snapshot.target): not read again. */
    server?: Server;
    preview?: { type: string; id: string } | null;
    sourceDeploymentId?: string | null;
  },
): Promise<Deployment> {
  const preview = x.preview ?? null;
  const active = await tx.deployments.list({ resourceId: x.resource.id, status: ACTIVE_STATUSES, includeArchived: true, preview, limit: 1 });
  if (active[0]) fail('deployment_in_progress', 'Another attempt of this resource is active.', { activeDeploymentId: active[0].id });
  const server =
    x.server ??
    (x.snapshot.target
      ? ((await tx.servers.get(x.snapshot.target.serverId)) ?? fail('server_not_found', 'No server has this id.', { id: x.snapshot.target.serverId }))
      : ((await currentServer(tx, x.resource)) ?? (await ensureLocalServer(tx, actor, now))));
  const snapshot: DeploymentSnapshot = { ...x.snapshot, secretNames: x.snapshot.secretNames ?? x.resource.secretNames, target: { serverId: server.id, serverName: server.name } };
  const deployment: Deployment = {
    id: newId('deployment', now.getTime()),
    resourceId: x.resource.id,
    projectId: x.resource.projectId,
    environmentId: x.resource.environmentId,
    serverId: server.id,
    trigger: x.trigger,
    status: 'created',
    currentPhase: 'detect',
    preview,
    snapshot,
    sourceSummary: null,
    plan: null,
    artifact: null,
    runtime: null,
    accessUrl: null,
    error: null,
    recoveryHint: null,
    heartbeatAt: null,
    owner: null,
    eventsPrunedThrough: 0,
    createdAt: now.toISOString(),
    startedAt: null,
    finishedAt: null,
    archivedAt: null,
    sourceDeploymentId: x.sourceDeploymentId ?? null,
  };
  await tx.deployments.create(deployment);
  await tx.journal.append(deployment.id, { at: deployment.createdAt, kind: 'status', phase: 'detect', data: { status: 'created', trigger: x.trigger } });
  await tx.audit.append({
    type: deploymentEventType(x.trigger),
    aggregateType: 'deployment',
    aggregateId: deployment.id,
    actor,
    payload: { id: deployment.id, resourceId: x.resource.id, trigger: x.trigger, preview, source: snapshot.source, sourceDeploymentId: deployment.sourceDeploymentId },
  });
  return deployment;
}
