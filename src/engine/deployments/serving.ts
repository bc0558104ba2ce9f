import type { Deployment } from '../../core/deployments/deployment.js';
import type { StoreRepos } from '../../ports/store.js';

/**
 * The attempt currently serving a resource (or one preview of it): the latest succeeded
 * attempt of the same resource and preview key whose runtime was not retired.
 */
export async function servingDeployment(store: Pick<StoreRepos, 'deployments'>, d: Pick<Deployment, 'resourceId' | 'preview' | 'id'>): Promise<Deployment | undefined> {
  const candidates = await store.deployments.list({ resourceId: d.resourceId, status: ['succeeded'], includeArchived: true, preview: d.preview ?? null, limit: 20 });
  return candidates.find((c) => c.id !== d.id && c.runtime && !c.runtime.retiredAt);
}
