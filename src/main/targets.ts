import { join } from 'node:path';
import { ensureBaseImages } from '../adapters/docker/base-images.js';
import { createDockerEngine, type DockerEngine } from '../adapters/docker/docker-engine.js';
import { CaddyEdgeProxy } from '../adapters/proxy/caddy-edge-proxy.js';
import { BerthError } from '../core/errors/berth-error.js';
import type { Server } from '../core/model/records.js';
import type { Targets, TargetRuntime } from '../ports/deploy-runtime.js';
import type { ServeSettings } from './settings.js';

/** The local target: this machine's Docker engine and Berth's managed Caddy pair. */
export interface LocalTargets extends Targets {
  local: { engine: DockerEngine; proxy: CaddyEdgeProxy; runtime: TargetRuntime };
}

export function createTargets(settings: ServeSettings): LocalTargets {
  const engine = createDockerEngine({ env: settings.dockerEnv });
  const proxy = new CaddyEdgeProxy({
    home: settings.home,
    httpPort: settings.httpPort,
    caddyBin: settings.caddyBin,
  });
  let baseImages: Promise<unknown> | undefined;
  const runtime: TargetRuntime = {
    provider: 'local-docker',
    engine,
    proxy,
    // Once per control plane; a failed attempt is retried by the next deploy.
    prepareBaseImages: async () => {
      baseImages ??= ensureBaseImages(engine).catch((err) => {
        baseImages = undefined;
        throw err;
      });
      await baseImages;
    },
  };
  return {
    local: { engine, proxy, runtime },
    forServer(server: Server): TargetRuntime {
      if (server.kind !== 'local') {
        throw new BerthError('server_unsupported', 'This control plane can deploy to the local server only: SSH targets are not available yet.', { serverId: server.id, serverKind: server.kind, supportedKinds: ['local'] });
      }
      return runtime;
    },
  };
}

export const workRootOf = (home: string) => join(home, 'work');
