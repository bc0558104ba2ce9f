import { LABELS } from '../../ports/container-engine.js';
import type { Deployment } from '../../core/deployments/deployment.js';

/** Ownership labels on everything an attempt creates: pruning and crash recovery find it by them. */
export function ownershipLabels(d: Pick<Deployment, 'id' | 'resourceId' | 'preview'>, service?: string): Record<string, string> {
  return {
    [LABELS.managed]: 'true',
    [LABELS.resource]: d.resourceId,
    [LABELS.deployment]: d.id,
    ...(service ? { [LABELS.service]: service } : {}),
    ...(d.preview ? { [LABELS.preview]: `${d.preview.type}:${d.preview.id}` } : {}),
  };
}

const safe = (s: string) => s.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').slice(0, 60);

export const imageTag = (resourceName: string, service: string, deploymentId: string) => `berth/${safe(resourceName)}-${safe(service)}:${safe(deploymentId)}`;
export const containerName = (resourceName: string, service: string, deploymentId: string) => `berth-${safe(resourceName)}-${safe(service)}-${safe(deploymentId).slice(-10)}`;
export const networkName = (deploymentId: string, network = 'default') => `berth-${safe(deploymentId).slice(-12)}-${safe(network)}`;
/**
 * A compose named volume's engine name: one per resource (and preview), so two stacks that both
 * declare `db_data` never share data. The same name across deployments keeps the data.
 */
export const volumeName = (d: Pick<Deployment, 'resourceId' | 'preview'>, volume: string) =>
  `berth-${safe(d.resourceId)}${d.preview ? `-${safe(d.preview.type)}-${safe(d.preview.id)}` : ''}_${safe(volume)}`;
