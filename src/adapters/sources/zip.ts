import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import type { SourceProfile } from '../../core/model/profiles.js';
import type { MaterializedSource } from '../../ports/sources.js';
import { extractZip, ZipRejected } from './zip-extract.js';
import { fsReason, materialized, normalizeBaseDirectory, unreadable, withWorkDir } from './work-dir.js';

// A zip archive on the control plane's machine, extracted into the work directory.

export async function materializeZip(source: SourceProfile, workRoot: string): Promise<MaterializedSource> {
  const file = resolve(source.location);
  const isFile = await stat(file).then((s) => s.isFile(), (err: unknown) => {
    throw unreadable(file, fsReason(err));
  });
  if (!isFile) throw unreadable(file, 'not_a_file');
  const base = normalizeBaseDirectory(source, file);
  return withWorkDir(workRoot, 'zip', async (work) => {
    const root = join(work, 'app');
    let files: number;
    try {
      files = await extractZip(file, root);
    } catch (err) {
      if (!(err instanceof ZipRejected)) throw err;
      throw new BerthError('source_archive_invalid', `The archive ${file} is ${err.reason === 'corrupt' ? 'corrupt' : 'unsafe'} (${err.reason}).`, {
        location: file, reason: err.reason, ...(err.entry !== undefined ? { entry: err.entry } : {}),
      });
    }
    if (files === 0) throw unreadable(file, 'empty');
    const dir = base === '' ? root : join(root, base);
    const baseOk = await stat(dir).then((s) => s.isDirectory(), () => false);
    if (!baseOk) throw new BerthError('source_base_directory_not_found', `Base directory ${base} does not exist in ${file}.`, { location: file, baseDirectory: base });
    if ((await readdir(dir)).length === 0) throw unreadable(file, 'empty', { baseDirectory: base });
    return materialized(work, { kind: source.kind, location: file, ...(base ? { baseDirectory: base } : {}) }, dir);
  });
}
