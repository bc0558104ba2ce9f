import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import { BASE_IMAGES as CORE_BASE_IMAGES, nodeImage, STATIC_INTERNAL_PORT } from '../../core/plan/base-images.js';

// Interim: the node image is still the host's node on busybox until the Debian images land.
const BASE_IMAGES = { ...CORE_BASE_IMAGES, node: nodeImage(20) } as const;
import { LABELS } from '../../ports/container-engine.js';
import { assembleNodeRoot, assembleStaticRoot, BaseImagePrerequisiteMissing } from './base-image-contexts.js';
import type { DockerEngine } from './docker-engine.js';
import { imageSummary } from './images.js';

// The planners' generated Dockerfiles start FROM these images. They are made here, from host
// files and with no registry, only when missing, so a machine that reaches none can deploy.

export type BaseImageName = keyof typeof BASE_IMAGES;

const ASSEMBLERS: Record<BaseImageName, (root: string) => string[]> = {
  static: (root) => assembleStaticRoot(root, STATIC_INTERNAL_PORT),
  node: (root) => assembleNodeRoot(root),
};

/**
 * What an image was made from, kept in the image's Comment (labels would be inherited by every
 * app image built FROM it): bumped when an assembler changes, and for node it includes the
 * host's node version, so an upgraded host or a newer Berth replaces a stale image.
 */
const ASSEMBLY_REVISION = '3';
export const baseImageRevision = (name: BaseImageName): string =>
  `berth base image ${BASE_IMAGES[name]} r${ASSEMBLY_REVISION}${name === 'node' ? ` node ${process.version}` : ''}`;

/** Makes one base image now, present or not; `tag` differs from the canonical name only in tests. */
export async function makeBaseImage(engine: DockerEngine, name: BaseImageName, tag: string = BASE_IMAGES[name]): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), `berth-base-${name}-`));
  try {
    chmodSync(root, 0o755); // becomes the image's "/"
    let changes: string[];
    try {
      changes = ASSEMBLERS[name](root);
    } catch (err) {
      if (!(err instanceof BaseImagePrerequisiteMissing)) throw err;
      throw new BerthError('image_build_failed', `The base image ${tag} cannot be assembled on this host.`, {
        step: `assemble ${tag}`,
        exitCode: null,
        logTail: err.message,
      });
    }
    return await engine.importImage({ rootDir: root, tag, changes, labels: { [LABELS.managed]: 'true' }, comment: baseImageRevision(name) });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * Makes each base image that is missing or stale and returns the image ids. A current image is
 * kept as it is: the check costs one inspect.
 */
export async function ensureBaseImages(engine: DockerEngine, opts: { only?: BaseImageName[] } = {}): Promise<Partial<Record<BaseImageName, string>>> {
  const names = opts.only ?? (Object.keys(BASE_IMAGES) as BaseImageName[]);
  const ids: Partial<Record<BaseImageName, string>> = {};
  for (const name of names) {
    const present = await imageSummary(engine.docker, BASE_IMAGES[name]);
    const current = present?.comment === baseImageRevision(name);
    if (current && present) {
      ids[name] = present.id;
      continue;
    }
    ids[name] = await makeBaseImage(engine, name);
    // The stale image lost its tag; it stays only while containers or app images still use it.
    if (present && present.id !== ids[name]) await engine.removeImage(present.id).catch(() => undefined);
  }
  return ids;
}
