import { fail } from '../../core/errors/berth-error.js';
import type { Resource, Server } from '../../core/model/records.js';
import type { StoreRepos } from '../../ports/store.js';

/**
 * The server a deploy runs on: the one named, else the one the resource already runs on (its
 * latest attempt's), else undefined (the local server). A resource lives on one server: naming
 * another is refused, never a silent move that would leave the old runtime serving there.
 */
export async function deployServer(tx: StoreRepos, resource: Resource, named: string | undefined): Promise<Server | undefined> {
  const current = await currentServer(tx, resource);
  if (!named) return current;
  const requested = (await tx.servers.findByName(named)) ?? (await tx.servers.get(named)) ?? fail('server_not_found', 'No server has this name or id.', { id: named });
  if (current && current.id !== requested.id) {
    fail('resource_server_changed', 'The resource runs on another server; a resource is not moved between servers.', {
      resourceId: resource.id,
      name: resource.name,
      currentServer: current.name,
      requestedServer: requested.name,
    });
  }
  return requested;
}

/** The server the resource runs on: its latest attempt's; undefined before its first attempt. */
export async function currentServer(tx: StoreRepos, resource: Pick<Resource, 'id'>): Promise<Server | undefined> {
  const [latest] = await tx.deployments.list({ resourceId: resource.id, includeArchived: true, limit: 1 });
  return latest ? tx.servers.get(latest.serverId) : undefined;
}
