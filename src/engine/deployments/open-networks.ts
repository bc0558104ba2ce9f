import type { Deployment, RuntimeRecord } from '../../core/deployments/deployment.js';
import type { Plan } from '../../core/plan/plan.js';
import type { ContainerEngine } from '../../ports/container-engine.js';
import { networkName, ownershipLabels } from './labels.js';

/** Compose network name -> the attempt's own engine network (every plan has `default`). */
export function attemptNetworks(d: Pick<Deployment, 'id'>, plan: Plan): Map<string, string> {
  const declared = plan.networks.length > 0 ? plan.networks : ['default'];
  return new Map([...new Set([...declared, 'default'])].map((n) => [n, networkName(d.id, n)]));
}

/**
 * The attempt's runtime record before anything of it exists: its networks, no container yet.
 * Recorded first, so the failure path and the reconciler remove whatever was made of it (a
 * network that was never made is fine to remove).
 */
export function attemptRuntime(d: Pick<Deployment, 'id'>, plan: Plan): RuntimeRecord {
  const names = attemptNetworks(d, plan);
  return { network: names.get('default')!, networks: [...names.values()], containers: [] };
}

/**
 * Creates the networks the record names. They depend on nothing but the plan, so they are
 * created beside the proxy check and the artifact; one after the other, as each picks a free
 * subnet from what the engine lists.
 */
export async function openNetworks(engine: ContainerEngine, d: Pick<Deployment, 'resourceId' | 'id' | 'preview'>, runtime: RuntimeRecord): Promise<void> {
  for (const name of runtime.networks ?? [runtime.network]) await engine.ensureNetwork(name, ownershipLabels(d));
}
