import type { Deployment } from '../../core/deployments/deployment.js';
import { isServing, servingAmong } from '../../core/deployments/serving.js';
import type { StoreRepos } from '../../ports/store.js';

type Key = Pick<Deployment, 'resourceId' | 'preview'>;

// The store hands out the key's live attempts from an index of live attempts (a few rows however
// long the history); the rule in core decides among them.
const live = (store: Pick<StoreRepos, 'deployments'>, key: Key) => store.deployments.live(key.resourceId, key.preview ?? null);

/** The attempt serving a resource (or one preview of it) now; `except` leaves one attempt out. */
export async function servingDeployment(store: Pick<StoreRepos, 'deployments'>, key: Key, except?: string): Promise<Deployment | undefined> {
  return servingAmong((await live(store, key)).filter((d) => d.id !== except));
}

/** Every live attempt of the key but `except`, newest first: what a new version retires. */
export async function liveDeployments(store: Pick<StoreRepos, 'deployments'>, key: Key, except: string): Promise<Deployment[]> {
  return (await live(store, key)).filter((d) => d.id !== except && isServing(d));
}
