import type { Deployment } from '../../core/deployments/deployment.js';
import type { ContainerEngine } from '../../ports/container-engine.js';
import type { Store } from '../../ports/store.js';
import { sleep } from './deadline.js';
import { teardownRuntime } from './teardown.js';
import type { AttemptJournal } from './journal.js';

/**
 * After the route switched: let the old version finish in-flight requests, then stop and remove
 * its containers. Its images stay: they are the artifact a rollback needs.
 */
export async function retireRuntime(store: Store, engine: ContainerEngine, previous: Deployment, drainMs: number, journal: AttemptJournal): Promise<void> {
  await sleep(drainMs);
  if (previous.runtime) await teardownRuntime(engine, previous.runtime);
  await store.deployments.update(previous.id, { runtime: { ...previous.runtime!, retiredAt: new Date().toISOString() } });
  await journal.event('step', 'verify', { step: 'retire-previous', deploymentId: previous.id, containers: previous.runtime?.containers.map((c) => c.id) ?? [] });
}
