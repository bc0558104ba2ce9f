import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestControlPlane } from './control-plane.js';
import { api, getWithHost } from './deploy.js';
import { freePort } from './ports.js';
import { nodeDocker, type TestServer } from './testbed.js';

// SSH servers of the testbed as a user registers them: each test file gets its own state-root
// base on the node (owned by the node's user, as a fresh VPS user's directory would be) and its
// own edge port, so files sharing a node never share a proxy or a lock.

export interface RemoteBase {
  dir: string;
  remove(): Promise<void>;
}

/** A fresh directory on the node for state roots, owned by the node's SSH user. */
export function remoteBase(node: TestServer, tag: string): RemoteBase {
  const dir = `/var/lib/berth-${tag}-${randomBytes(4).toString('hex')}`;
  mkdirSync(dir, { mode: 0o755 });
  const id = (flag: string) => Number(execFileSync('id', [flag, node.user], { encoding: 'utf8' }));
  chownSync(dir, id('-u'), id('-g'));
  return {
    dir,
    async remove() {
      // Berth's containers for these state roots (proxies included) go first: they hold the mounts.
      const docker = nodeDocker(node);
      const all = await docker.listContainers({ all: true });
      for (const c of all.filter((c) => Object.values(c.Labels ?? {}).some((v) => v.startsWith(dir)) || c.Mounts?.some((m) => m.Source?.startsWith(dir)))) {
        await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RegisteredServer {
  id: string;
  name: string;
  stateRoot: string;
  httpPort: number;
}

/** Registers the node through the API with its key file and pinned host key (overridable). */
export async function registerNode(plane: TestControlPlane, node: TestServer, base: RemoteBase, x: { name: string; stateRoot?: string; httpPort?: number; [k: string]: unknown }): Promise<RegisteredServer> {
  const httpPort = x.httpPort ?? (await freePort());
  const body = {
    host: node.host,
    port: node.port,
    user: node.user,
    key: readFileSync(node.keyPath, 'utf8'),
    hostKey: node.hostKeyFingerprint,
    dockerSocket: node.dockerSocket,
    ...x,
    stateRoot: x.stateRoot ?? join(base.dir, x.name),
    httpPort,
  };
  const r = await api<{ id: string; name: string; stateRoot: string; httpPort: number }>(plane, 'POST', '/api/servers', body);
  if (r.status !== 200) throw new Error(`register failed: ${JSON.stringify(r.body)}`);
  return { id: r.body.id, name: r.body.name, stateRoot: r.body.stateRoot, httpPort };
}

/** GET at the server's edge with the generated URL's host, as a browser reaches it. */
export const viaEdge = (node: TestServer, httpPort: number, url: string, path = '/') => getWithHost(node.host, httpPort, url, path);

/** Containers of one deployment on the node's own engine (looked at as root, not through Berth). */
export async function nodeContainersOf(node: TestServer, deploymentId: string): Promise<string[]> {
  const list = await nodeDocker(node).listContainers({ all: true, filters: { label: [`dev.berth.deployment=${deploymentId}`] } });
  return list.map((c) => c.Id);
}
