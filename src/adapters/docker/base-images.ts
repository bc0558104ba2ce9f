import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import { BASE_IMAGES, baseImageNames, baseImageRef, nodeRuntimes, STATIC_INTERNAL_PORT, type BaseImageName, type NodeRuntime } from '../../core/plan/base-images.js';
import { LABELS } from '../../ports/container-engine.js';
import { currentRegistryImage, pullRegistryNode, RegistryUnavailable, type RegistrySource } from './base-image-registry.js';
import { assembleStaticRoot, BaseImagePrerequisiteMissing } from './base-image-contexts.js';
import { debianRootfs, MmdebstrapFailed, type RootfsOptions } from './debian-rootfs.js';
import type { DockerEngine } from './docker-engine.js';
import { imageSummary } from './images.js';
import { NODE_RECIPE_REVISION, nodeImageRecipe, type NodeImageRecipe } from './node-rootfs.js';

// The planners' generated Dockerfiles start FROM these images. They are made here with no
// registry, only when missing or stale, so a machine that reaches none can deploy: berth/static
// from host files, berth/node:<major> from a Debian root made by mmdebstrap (debian-rootfs.ts).

export type { BaseImageName } from '../../core/plan/base-images.js';

/** Bumped when the static assembly changes (r4: the SPA config). */
const STATIC_REVISION = '4';

function nodeRuntimeOf(name: `node:${number}`): NodeRuntime {
  const major = Number(name.slice('node:'.length));
  const runtime = nodeRuntimes(process.version).find((r) => r.major === major);
  if (!runtime) {
    const offered = nodeRuntimes(process.version).map((r) => r.major);
    throw new BaseImagePrerequisiteMissing(`no Node.js ${major} on this host: Berth makes node images for ${offered.join(', ')}`);
  }
  return runtime;
}

const nodeRecipeOf = (name: `node:${number}`): NodeImageRecipe => nodeImageRecipe(nodeRuntimeOf(name));

/**
 * What an image was made from, kept in the image's Comment (labels would be inherited by every
 * app image built FROM it): the recipe revision, and for node the host's node, npm and corepack
 * versions, so an upgraded host or a newer Berth replaces a stale image.
 */
export function baseImageRevision(name: BaseImageName): string {
  if (name === 'static') return `berth base image ${BASE_IMAGES.static} r${STATIC_REVISION}`;
  return `berth base image ${baseImageRef(name)} r${NODE_RECIPE_REVISION} ${nodeRecipeOf(name).made}`;
}

function buildFailure(tag: string, err: unknown): unknown {
  if (err instanceof BaseImagePrerequisiteMissing) {
    return new BerthError('image_build_failed', `The base image ${tag} cannot be made on this host.`, { step: `assemble ${tag}`, exitCode: null, logTail: err.message });
  }
  if (err instanceof MmdebstrapFailed) {
    return new BerthError('image_build_failed', `mmdebstrap could not make the root filesystem of ${tag}.`, { step: `mmdebstrap ${tag}`, exitCode: err.exitCode, logTail: err.logTail });
  }
  return err;
}

async function makeStatic(engine: DockerEngine, tag: string): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'berth-base-static-'));
  try {
    chmodSync(root, 0o755); // becomes the image's "/"
    const changes = assembleStaticRoot(root, STATIC_INTERNAL_PORT);
    return await engine.importImage({ rootDir: root, tag, changes, labels: { [LABELS.managed]: 'true' }, comment: baseImageRevision('static') });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function makeNode(engine: DockerEngine, name: `node:${number}`, tag: string, opts: RootfsOptions): Promise<string> {
  const recipe = nodeRecipeOf(name);
  const rootTar = await debianRootfs(recipe.rootfs, opts);
  return engine.importImage({ rootTar, tag, changes: recipe.changes, labels: { [LABELS.managed]: 'true' }, comment: baseImageRevision(name) });
}

/**
 * Makes one base image now, present or not; `tag` differs from the canonical name only in tests.
 * A node image's Debian root comes from the rootfs cache when it holds one (`opts.cacheDir`).
 */
export async function makeBaseImage(engine: DockerEngine, name: BaseImageName, tag: string = baseImageRef(name), opts: RootfsOptions = {}): Promise<string> {
  try {
    return name === 'static' ? await makeStatic(engine, tag) : await makeNode(engine, name, tag, opts);
  } catch (err) {
    throw buildFailure(tag, err);
  }
}

export interface EnsureOptions extends RootfsOptions {
  /** Default: static and every node runtime of this host. */
  only?: BaseImageName[];
  /** The tag to look up and make per name: the canonical one but in tests. */
  tagFor?: (name: BaseImageName) => string;
  /** BERTH_IMAGE_REGISTRY: node images are pulled from it; the local build stands in when it fails. */
  registry?: RegistrySource;
  /** Where a fallback's reason goes. */
  log?: (message: string) => void;
}

/**
 * Makes each base image that is missing or stale and returns the image ids. A current image is
 * kept as it is: the check costs one inspect. Images are made concurrently (mmdebstrap waits on
 * the network much of its time); the first failure is thrown once all have ended.
 */
export async function ensureBaseImages(engine: DockerEngine, opts: EnsureOptions = {}): Promise<Partial<Record<BaseImageName, string>>> {
  const names = [...new Set(opts.only ?? baseImageNames(process.version))];
  const tagFor = opts.tagFor ?? baseImageRef;
  const ensureOne = async (name: BaseImageName): Promise<string> => {
    const tag = tagFor(name);
    if (opts.registry && name !== 'static') {
      const major = Number(name.slice('node:'.length));
      const pulled = await currentRegistryImage(engine, tag, opts.registry, major);
      if (pulled) return pulled.imageId;
      try {
        return await pullRegistryNode(engine, major, tag, opts.registry);
      } catch (err) {
        if (!(err instanceof RegistryUnavailable)) throw err;
        (opts.log ?? ((m: string) => console.warn(`[berth] ${m}`)))(`base image ${tag}: the registry failed (${err.message}); building it locally`);
      }
    }
    let revision: string;
    try {
      revision = baseImageRevision(name);
    } catch (err) {
      throw buildFailure(tag, err);
    }
    const present = await imageSummary(engine.docker, tag);
    if (present?.comment === revision) return present.id;
    const id = await makeBaseImage(engine, name, tag, opts);
    // The stale image lost its tag; it stays only while containers or app images still use it.
    if (present && present.id !== id) await engine.removeImage(present.id).catch(() => undefined);
    return id;
  };
  const results = await Promise.allSettled(names.map(ensureOne));
  const ids: Partial<Record<BaseImageName, string>> = {};
  for (const [i, r] of results.entries()) {
    if (r.status === 'rejected') throw r.reason;
    ids[names[i] as BaseImageName] = r.value;
  }
  return ids;
}
