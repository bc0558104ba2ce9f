import type { Deployment } from '../core/deployments/deployment.js';
import { BerthError, fail } from '../core/errors/berth-error.js';
import type { Resource, Server } from '../core/model/records.js';
import type { OperationContext } from '../ports/context.js';
import type { TargetRuntime } from '../ports/deploy-runtime.js';
import { servingDeployment } from '../engine/deployments/serving.js';

// Lookups shared by the diagnostic operations. None of them writes anything.

export async function serverOf(ctx: OperationContext, id: string): Promise<Server> {
  return (await ctx.store.servers.get(id)) ?? fail('server_not_found', 'No server has this id.', { id });
}

export async function resourceOf(ctx: OperationContext, id: string): Promise<Resource> {
  return (await ctx.store.resources.get(id)) ?? fail('resource_not_found', 'No resource has this id.', { id });
}

/** The engine and proxy of a server; a target this control plane cannot drive is an engine it cannot reach. */
export function targetOf(ctx: OperationContext, server: Server): TargetRuntime {
  try {
    return ctx.deploy.targets.forServer(server);
  } catch (err) {
    if (err instanceof BerthError) throw err;
    throw new BerthError('docker_error', 'The engine of this server cannot be reached from this control plane.', { operation: 'connect', reason: `${server.kind} target unavailable` });
  }
}

/** The production attempt serving the resource now. */
export function servingOf(ctx: OperationContext, resourceId: string): Promise<Deployment | undefined> {
  return servingDeployment(ctx.store, { resourceId, preview: null });
}
