import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { SftpStateRoot } from '../adapters/remote-state/sftp-state-root.js';
import { BerthError } from '../core/errors/berth-error.js';
import type { Server } from '../core/model/records.js';
import { DEFAULT_STATE_ROOT } from '../core/remote-state/root.js';
import type { RemoteStateRoot, RemoteStateRoots } from '../ports/remote-state.js';
import type { SshSession } from '../ports/ssh.js';

/** This control plane's id on the locks and journal lines it writes: its machine and its home. */
export function controlPlaneId(home: string): string {
  return `${hostname()}:${createHash('sha256').update(resolve(home)).digest('hex').slice(0, 12)}`;
}

export interface RemoteStateWiring {
  home: string;
  /** The server's SSH session; absent until the SSH connector is wired into the control plane. */
  sessionFor?: (server: Server) => Promise<SshSession>;
  /** The server's state root (default /var/lib/berth). */
  stateRootOf?: (server: Server) => string | undefined;
}

export function createRemoteStateRoots(w: RemoteStateWiring): RemoteStateRoots {
  const owner = controlPlaneId(w.home);
  const roots = new Map<string, { sftp: unknown; root: RemoteStateRoot }>();
  return {
    async forServer(server) {
      if (server.kind !== 'ssh' || !server.host) {
        throw new BerthError('server_unsupported', 'Only SSH servers have a remote state root; the local server keeps its state in the control plane.', { serverId: server.id, serverKind: server.kind, supportedKinds: ['ssh'] });
      }
      if (!w.sessionFor) return remoteStateUnwired(server);
      const session = await w.sessionFor(server);
      const sftp = await session.sftp();
      const stateRoot = w.stateRootOf?.(server) ?? DEFAULT_STATE_ROOT;
      // One state root per server and SFTP channel: its prepare runs once, so concurrent callers
      // (two `server test`s of a fresh server) do not race creating the same directories.
      const key = `${server.id}\0${stateRoot}`;
      const cached = roots.get(key);
      if (cached && cached.sftp === sftp) return cached.root;
      const root = new SftpStateRoot({ sftp, host: server.host, port: server.port ?? 22, stateRoot, owner, ownerHost: hostname() });
      roots.set(key, { sftp, root });
      return root;
    },
  };
}

/** Until the SSH connector reaches this control plane, a server's state root is out of reach. */
function remoteStateUnwired(server: Server): never {
  throw new BerthError('server_unsupported', 'This control plane cannot open SSH sessions yet, so the remote state root of this server is out of reach.', { serverId: server.id, serverKind: server.kind, supportedKinds: [] });
}
