import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import type { SourceProfile } from '../../core/model/profiles.js';
import type { MaterializedSource } from '../../ports/sources.js';
import { copyTree, CopyError } from './copy-tree.js';
import { fsReason, materialized, normalizeBaseDirectory, unreadable, withWorkDir } from './work-dir.js';

// A folder on the control plane's machine, copied (minus ignored paths) so that later edits to
// the folder cannot change what an attempt builds.

export async function materializeFolder(source: SourceProfile, workRoot: string): Promise<MaterializedSource> {
  const root = resolve(source.location);
  await requireDirectory(root, root);
  const base = normalizeBaseDirectory(source, root);
  if (base !== '') await requireBaseDirectory(root, base);
  return withWorkDir(workRoot, 'folder', async (work) => {
    const dir = join(work, 'app');
    await copyFolder(root, base, dir, root);
    return materialized(work, { kind: source.kind, location: root, ...(base ? { baseDirectory: base } : {}) }, dir);
  });
}

/** Copies and turns copy failures and empty results into source_unreadable. */
export async function copyFolder(root: string, base: string, dest: string, location: string): Promise<void> {
  let files: number;
  try {
    files = await copyTree(root, base, dest);
  } catch (err) {
    if (err instanceof CopyError) throw unreadable(location, err.reason, { path: err.path });
    throw err;
  }
  if (files === 0) throw unreadable(location, 'empty');
}

export async function requireDirectory(path: string, location: string): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    throw unreadable(location, fsReason(err));
  }
  if (!isDir) throw unreadable(location, 'not_a_directory');
}

export async function requireBaseDirectory(root: string, base: string): Promise<void> {
  const isDir = await stat(join(root, base)).then((s) => s.isDirectory(), () => false);
  if (!isDir) {
    throw new BerthError('source_base_directory_not_found', `Base directory ${base} does not exist in ${root}.`, { location: root, baseDirectory: base });
  }
}
