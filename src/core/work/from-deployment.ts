import type { Deployment } from '../deployments/deployment.js';
import type { DeploymentStatus } from '../deployments/status.js';
import { toWorkItem, type WorkItem, type WorkStatus } from './work-item.js';

// Deployment attempts are work items derived from the deployments table, never copied into
// work_items: one source of truth, so the ledger cannot disagree with `deployments show`.

const STATUS: Record<DeploymentStatus, WorkStatus> = {
  created: 'queued',
  planning: 'running',
  planned: 'running',
  running: 'running',
  verifying: 'running',
  'cancel-requested': 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  canceled: 'canceled',
  interrupted: 'interrupted',
  'rolled-back': 'rolled-back',
};

export function workStatusOfDeployment(status: DeploymentStatus): WorkStatus {
  return STATUS[status];
}

/** Deployment statuses a work status filter stands for. */
export function deploymentStatusesFor(status: WorkStatus): DeploymentStatus[] {
  return (Object.keys(STATUS) as DeploymentStatus[]).filter((s) => STATUS[s] === status);
}

export function deploymentWorkItem(d: Deployment): WorkItem {
  return toWorkItem(
    {
      id: d.id,
      kind: 'deployment',
      status: STATUS[d.status],
      phase: d.currentPhase,
      resourceId: d.resourceId,
      serverId: d.serverId,
      deploymentId: d.id,
      certificateId: null,
      error: d.error,
      details: { trigger: d.trigger, ...(d.preview ? { preview: d.preview } : {}), ...(d.accessUrl ? { accessUrl: d.accessUrl } : {}) },
      createdAt: d.createdAt,
      updatedAt: d.finishedAt ?? d.heartbeatAt ?? d.startedAt ?? d.createdAt,
      finishedAt: d.finishedAt,
    },
    d.status,
  );
}
