import { createReadStream } from 'node:fs';
import type Docker from 'dockerode';
import { BerthError } from '../../core/errors/berth-error.js';
import { packContext } from './build-context.js';
import { dockerError, engineCall } from './errors.js';
import { followJsonStream } from './json-stream.js';
import { splitTag } from './images.js';

// Importing a root filesystem is FROM scratch + COPY without the classic builder's per-step
// containers and checksumming: one layer in a few seconds instead of ~20 s for 120 MB.

/** The image's root filesystem: a directory laid out as it, or a tarball of it streamed as it is. */
export type ImportRequest = ImportConfig & ({ rootDir: string; rootTar?: undefined } | { rootTar: string; rootDir?: undefined });

interface ImportConfig {
  tag: string;
  /** Image config as Dockerfile instructions the engine accepts on import (ENV, WORKDIR, CMD, EXPOSE...). */
  changes: string[];
  labels: Record<string, string>;
  /** The image's Comment: unlike labels, child images do not inherit it. */
  comment?: string;
}

export async function importImage(docker: Docker, req: ImportRequest): Promise<string> {
  const { repo, tag } = splitTag(req.tag);
  const labels = Object.entries(req.labels).map(([k, v]) => `LABEL ${JSON.stringify(k)}=${JSON.stringify(v)}`);
  const rootfs = req.rootTar !== undefined ? createReadStream(req.rootTar) : packContext({ contextDir: req.rootDir });
  const stream = await engineCall('importImage', () => docker.importImage(rootfs, { repo, tag, changes: [...req.changes, ...labels], ...(req.comment ? { message: req.comment } : {}) })).catch((err: unknown) => {
    rootfs.destroy();
    throw err;
  });
  let imageId: string | undefined;
  let error: string | undefined;
  try {
    await followJsonStream(stream, (m) => {
      if (m.error) error = m.error;
      else if (m.status?.startsWith('sha256:')) imageId = m.status;
    });
  } catch (err) {
    throw dockerError('importImage', err);
  }
  if (error || !imageId) {
    throw new BerthError('image_build_failed', `The engine could not import ${req.tag}.`, { step: 'import', exitCode: null, logTail: error ?? 'no image id returned' });
  }
  return imageId;
}
