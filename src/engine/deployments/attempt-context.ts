import { accessUrl, generatedHost, routeId } from '../../core/access/generated-url.js';
import type { Deployment } from '../../core/deployments/deployment.js';
import { fail } from '../../core/errors/berth-error.js';
import type { Server } from '../../core/model/records.js';
import type { TargetRuntime } from '../../ports/deploy-runtime.js';
import type { RunnerDeps } from './attempt.js';
import { servingDeployment } from './serving.js';

/** Where an attempt runs and what it replaces, resolved once before anything starts. */
export interface AttemptContext {
  resourceName: string;
  server: Server;
  target: TargetRuntime;
  host: string;
  httpPort: number;
  url: string;
  route: string;
  /** The version serving before this attempt: it keeps (or gets back) the route on failure. */
  previous?: Deployment;
}

export async function resolveContext(deps: Pick<RunnerDeps, 'store' | 'targets' | 'settings'>, d: Deployment): Promise<AttemptContext> {
  const { store } = deps;
  const resource = (await store.resources.get(d.resourceId)) ?? fail('resource_not_found', 'No resource has this id.', { id: d.resourceId });
  const env = (await store.environments.get(d.environmentId)) ?? fail('environment_not_found', 'No environment has this id.', { id: d.environmentId });
  const server = (await store.servers.get(d.serverId)) ?? fail('server_not_found', 'No server has this id.', { id: d.serverId });
  // A server kind this control plane cannot drive raises a catalogued code (server_unsupported).
  const target = deps.targets.forServer(server);
  const httpPort = target.proxy.httpPort();
  const host = generatedHost({ resourceName: resource.name, hostLabel: d.snapshot.access.hostLabel, environmentName: env.name, baseDomain: target.baseDomain ?? deps.settings.baseDomain, preview: d.preview });
  const previous = await servingDeployment(store, d, d.id);
  return { resourceName: resource.name, server, target, host, httpPort, url: accessUrl(host, httpPort), route: routeId(d.resourceId, d.preview), previous };
}
