import { join } from 'node:path';
import { rootfsCacheDir } from '../adapters/docker/debian-rootfs.js';
import { createDockerEngine, type DockerEngine } from '../adapters/docker/docker-engine.js';
import { httpProber } from '../adapters/http/prober.js';
import { CaddyEdgeProxy } from '../adapters/proxy/caddy-edge-proxy.js';
import { BerthError } from '../core/errors/berth-error.js';
import type { Server } from '../core/model/records.js';
import type { Targets, TargetRuntime } from '../ports/deploy-runtime.js';
import type { RemoteStateRoots } from '../ports/remote-state.js';
import type { ServerSsh } from '../ports/server-ssh.js';
import { basePreparer, type BaseImageSource } from './base-image-preparer.js';
import { serverEdgeTls, type ServeSettings } from './settings.js';
import { sshTargetRuntime } from './ssh-target.js';

/** The local target (this machine's Docker engine and Berth's managed Caddy pair), and SSH servers. */
export interface LocalTargets extends Targets {
  local: { engine: DockerEngine; proxy: CaddyEdgeProxy; runtime: TargetRuntime };
}

/** How SSH servers are reached; without it only the local server is a target. */
export interface SshReach {
  ssh: ServerSsh;
  remoteState: RemoteStateRoots;
}

export function createTargets(settings: ServeSettings, reach?: SshReach): LocalTargets {
  const engine = createDockerEngine({ env: settings.dockerEnv });
  const proxy = new CaddyEdgeProxy({
    home: settings.home,
    httpPort: settings.httpPort,
    caddyBin: settings.caddyBin,
    ...(settings.edgeTls ? { tls: settings.edgeTls } : {}),
  });
  const source: BaseImageSource = settings.imageRegistry ? { registry: { ...settings.imageRegistry, cacheDir: settings.imageRegistry.cacheDir ?? rootfsCacheDir() } } : {};
  const runtime: TargetRuntime = { provider: 'local-docker', engine, proxy, prober: httpProber, httpsProber: httpProber, edgeHost: '127.0.0.1', prepareBaseImages: basePreparer(engine, source) };
  // One runtime per server record as it is now: a re-pinned key, a new port or ACME CA makes a new
  // one, whose first ensureRunning loads the changed edge config into a running edge.
  const remote = new Map<string, TargetRuntime>();
  return {
    local: { engine, proxy, runtime },
    forServer(server: Server): TargetRuntime {
      if (server.kind === 'local') return runtime;
      if (!reach || !server.host) {
        throw new BerthError('server_unsupported', 'This control plane cannot reach SSH servers.', { serverId: server.id, serverKind: server.kind, supportedKinds: ['local'] });
      }
      const key = JSON.stringify([server.id, server.host, server.port, server.user, server.hostKey, server.stateRoot, server.httpPort, server.baseDomain, server.dockerSocket, server.acmeCa, server.acmeEmail]);
      let found = remote.get(key);
      if (!found) {
        const tls = serverEdgeTls(settings, server);
        found = sshTargetRuntime(server, { ...reach, localEngine: engine, baseImages: source, lock: settings.remoteLock, ...(tls ? { tls } : {}) });
        remote.set(key, found);
      }
      return found;
    },
  };
}

export const workRootOf = (home: string) => join(home, 'work');
