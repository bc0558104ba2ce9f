import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import type { SourceProfile } from '../../core/model/profiles.js';
import type { MaterializedSource } from '../../ports/sources.js';
import { extractZip, ZipRejected } from './zip-extract.js';
import { fsReason, materialized, normalizeBaseDirectory, unreadable, withWorkDir } from './work-dir.js';

// A zip archive on the control plane's machine, extracted into the work directory.

/** Extracts a zip, turning an unsafe or corrupt archive into source_archive_invalid; returns the entries written. */
export async function extractZipSource(file: string, root: string, location: string): Promise<number> {
  try {
    return await extractZip(file, root);
  } catch (err) {
    if (!(err instanceof ZipRejected)) throw err;
    throw new BerthError('source_archive_invalid', `The archive ${location} is ${err.reason === 'corrupt' ? 'corrupt' : 'unsafe'} (${err.reason}).`, {
      location, reason: err.reason, ...(err.entry !== undefined ? { entry: err.entry } : {}),
    });
  }
}

export async function materializeZip(source: SourceProfile, workRoot: string): Promise<MaterializedSource> {
  const file = resolve(source.location);
  const isFile = await stat(file).then((s) => s.isFile(), (err: unknown) => {
    throw unreadable(file, fsReason(err));
  });
  if (!isFile) throw unreadable(file, 'not_a_file');
  const base = normalizeBaseDirectory(source, file);
  return withWorkDir(workRoot, 'zip', async (work) => {
    const root = join(work, 'app');
    const dir = await extractedDir(root, base, file, await extractZipSource(file, root, file));
    return materialized(work, { kind: source.kind, location: file, ...(base ? { baseDirectory: base } : {}) }, dir);
  });
}

/** The app folder inside an extracted archive: root or root/base, which must exist and hold something. */
export async function extractedDir(root: string, base: string, location: string, files: number): Promise<string> {
  if (files === 0) throw unreadable(location, 'empty');
  const dir = base === '' ? root : join(root, base);
  const baseOk = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!baseOk) throw new BerthError('source_base_directory_not_found', `Base directory ${base} does not exist in ${location}.`, { location, baseDirectory: base });
  if ((await readdir(dir)).length === 0) throw unreadable(location, 'empty', { baseDirectory: base });
  return dir;
}
