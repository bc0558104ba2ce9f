import type { Deployment } from '../../core/deployments/deployment.js';
import { isServing, servingAmong } from '../../core/deployments/serving.js';
import type { StoreRepos } from '../../ports/store.js';

type Key = Pick<Deployment, 'resourceId' | 'preview'>;

// How many succeeded attempts are looked at: more than ever stay live at once (one serving, one
// draining, one whose retirement failed).
const WINDOW = 20;

const succeeded = (store: Pick<StoreRepos, 'deployments'>, key: Key) =>
  store.deployments.list({ resourceId: key.resourceId, status: ['succeeded'], includeArchived: true, preview: key.preview ?? null, limit: WINDOW });

/** The attempt serving a resource (or one preview of it) now; `except` leaves one attempt out. */
export async function servingDeployment(store: Pick<StoreRepos, 'deployments'>, key: Key, except?: string): Promise<Deployment | undefined> {
  return servingAmong((await succeeded(store, key)).filter((d) => d.id !== except));
}

/** Every live attempt of the key but `except`, newest first: what a new version retires. */
export async function liveDeployments(store: Pick<StoreRepos, 'deployments'>, key: Key, except: string): Promise<Deployment[]> {
  return (await succeeded(store, key)).filter((d) => d.id !== except && isServing(d));
}
