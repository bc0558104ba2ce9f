import Docker from 'dockerode';
import type { TestControlPlane } from '../support/control-plane.js';
import { api } from '../support/deploy.js';

// Shared by the diagnostics tests: the local server's id, and removing what a test's resources
// left on the engine (serving apps keep their networks, and Berth's subnet pool is finite).

export async function localServerId(plane: TestControlPlane): Promise<string> {
  const { body } = await api<{ items: { id: string; name: string }[] }>(plane, 'GET', '/api/servers');
  return body.items.find((s) => s.name === 'local')!.id;
}

export async function removeObjectsOf(resourceIds: string[]): Promise<void> {
  const d = new Docker({ socketPath: '/var/run/docker.sock' });
  for (const id of resourceIds) {
    const label = [`dev.berth.resource=${id}`];
    for (const c of await d.listContainers({ all: true, filters: { label } })) await d.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    for (const n of await d.listNetworks({ filters: { label } })) await d.getNetwork(n.Id).remove().catch(() => undefined);
    for (const i of await d.listImages({ filters: { label } })) await d.getImage(i.Id).remove({ force: true }).catch(() => undefined);
  }
}
