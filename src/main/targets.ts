import { join } from 'node:path';
import { ensureBaseImages } from '../adapters/docker/base-images.js';
import { rootfsCacheDir } from '../adapters/docker/debian-rootfs.js';
import { createDockerEngine, type DockerEngine } from '../adapters/docker/docker-engine.js';
import { CaddyEdgeProxy } from '../adapters/proxy/caddy-edge-proxy.js';
import { BerthError } from '../core/errors/berth-error.js';
import type { Server } from '../core/model/records.js';
import { baseImageNames, type BaseImageName } from '../core/plan/base-images.js';
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
  const registry = settings.imageRegistry ? { ...settings.imageRegistry, cacheDir: settings.imageRegistry.cacheDir ?? rootfsCacheDir() } : undefined;
  // Per name: a deploy needing node:18 does not wait for (or retry) the static image.
  const baseImages = new Map<BaseImageName, Promise<unknown>>();
  const prepare = (name: BaseImageName): Promise<unknown> => {
    let pending = baseImages.get(name);
    if (!pending) {
      pending = ensureBaseImages(engine, { only: [name], ...(registry ? { registry } : {}) }).catch((err: unknown) => {
        baseImages.delete(name);
        throw err;
      });
      baseImages.set(name, pending);
    }
    return pending;
  };
  const runtime: TargetRuntime = {
    provider: 'local-docker',
    engine,
    proxy,
    // Once per image and control plane; a failed one is retried by the next deploy.
    prepareBaseImages: async (names = baseImageNames(process.version)) => {
      const results = await Promise.allSettled(names.map(prepare));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
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
