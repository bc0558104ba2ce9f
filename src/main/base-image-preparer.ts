import { ensureBaseImages } from '../adapters/docker/base-images.js';
import type { RegistrySource } from '../adapters/docker/base-image-registry.js';
import type { DockerEngine } from '../adapters/docker/docker-engine.js';
import { baseImageNames, type BaseImageName } from '../core/plan/base-images.js';
import type { TargetRuntime } from '../ports/deploy-runtime.js';

/** Where node base images may come from besides the local build (BERTH_IMAGE_REGISTRY). */
export interface BaseImageSource {
  registry?: RegistrySource;
}

/**
 * A target's prepareBaseImages: once per image, engine and control plane; a failed one is retried
 * by the next deploy. Per name, so a deploy needing node:18 does not wait for the static image.
 */
export function basePreparer(engine: DockerEngine, source: BaseImageSource): TargetRuntime['prepareBaseImages'] {
  const pending = new Map<BaseImageName, Promise<unknown>>();
  const prepare = (name: BaseImageName): Promise<unknown> => {
    let p = pending.get(name);
    if (!p) {
      p = ensureBaseImages(engine, { only: [name], ...(source.registry ? { registry: source.registry } : {}) }).catch((err: unknown) => {
        pending.delete(name);
        throw err;
      });
      pending.set(name, p);
    }
    return p;
  };
  return async (names = baseImageNames(process.version)) => {
    const results = await Promise.allSettled(names.map(prepare));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
}
