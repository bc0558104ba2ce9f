import type { Deployment } from '../../core/deployments/deployment.js';
import { runtimeOwner } from '../../core/deployments/warm.js';
import { reclaimPlan, type ReclaimPlan } from '../../core/diagnostics/reclaim-plan.js';
import { runtimeRetention, type Retention } from '../../core/diagnostics/retention.js';
import type { Server } from '../../core/model/records.js';
import { LABELS, type ContainerEngine, type EngineUsage } from '../../ports/container-engine.js';
import type { OperationContext } from '../../ports/context.js';

// What a server's engine holds, joined with what this control plane knows about the attempts
// that made it: the input of capacity reports and runtime pruning (both read it the same way,
// so a dry run and the destructive run plan the same removals).

/** Attempts per resource read for retention; older ones are beyond any rollback anyway. */
const ATTEMPTS_PER_RESOURCE = 1_000;

export interface RuntimeInventory {
  usage: EngineUsage;
  attempts: Deployment[];
  retention: Retention;
  plan: ReclaimPlan;
}

/** Every attempt this control plane ran on the server, archived ones included. */
async function attemptsOn(ctx: OperationContext, serverId: string): Promise<Deployment[]> {
  const resources = await ctx.store.resources.list();
  const lists = await Promise.all(resources.map((r) => ctx.store.deployments.list({ resourceId: r.id, includeArchived: true, limit: ATTEMPTS_PER_RESOURCE })));
  return lists.flat().filter((d) => d.serverId === serverId);
}

/** Attempts whose containers a warm rollback took over -> the attempt owning them now. */
async function handoverOwners(attempts: Deployment[]): Promise<Map<string, string>> {
  const byId = new Map(attempts.map((d) => [d.id, d]));
  const owners = new Map<string, string>();
  for (const d of attempts) {
    if (!d.runtime?.handedOverTo) continue;
    const owner = await runtimeOwner(d.id, (id) => byId.get(id));
    if (owner) owners.set(d.id, owner.id);
  }
  return owners;
}

export async function runtimeInventory(ctx: OperationContext, server: Server, engine: ContainerEngine, keep: number): Promise<RuntimeInventory> {
  const [usage, networks, attempts] = await Promise.all([engine.usage(), engine.listNetworks({ [LABELS.managed]: 'true' }), attemptsOn(ctx, server.id)]);
  const present = new Set(usage.images.map((i) => i.id));
  const retention = runtimeRetention(attempts, { keep, imagePresent: (id) => present.has(id) });
  // A tag shared by several attempts (a rollback reusing its candidate's) belongs to a kept one.
  const ordered = [...attempts].sort((a, b) => Number(retention.roles.get(a.id) !== 'reclaimable') - Number(retention.roles.get(b.id) !== 'reclaimable'));
  const artifactRefs = new Map<string, string>();
  for (const d of ordered) for (const s of d.artifact?.services ?? []) artifactRefs.set(s.image, d.id);
  const resources = { known: new Set(attempts.map((d) => d.resourceId)), active: new Set(attempts.filter((d) => retention.roles.get(d.id) === 'active').map((d) => d.resourceId)) };
  const plan = reclaimPlan({ retention, artifactRefs, containers: usage.containers, networks, images: usage.images, resources, owners: await handoverOwners(attempts) });
  return { usage, attempts, retention, plan };
}
