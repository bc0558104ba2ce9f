import { copyFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { SourceProfile } from '../../core/model/profiles.js';
import type { MaterializedSource } from '../../ports/sources.js';
import { copyFolder } from './folder.js';
import { fsReason, materialized, unreadable, withWorkDir } from './work-dir.js';

// A compose file (or a folder holding one). Its folder is copied like a folder source, since
// build contexts and bind mounts are relative to it; the planner reads the file from the copy.

/** The names `docker compose` looks for, in its order of preference. */
export const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'] as const;

export async function materializeCompose(source: SourceProfile, workRoot: string): Promise<MaterializedSource> {
  const location = resolve(source.location);
  const file = await findComposeFile(location);
  const folder = dirname(file);
  const composeFile = basename(file);
  return withWorkDir(workRoot, 'compose', async (work) => {
    const dir = join(work, 'app');
    await copyFolder(folder, '', dir, location);
    // .dockerignore files often list the compose file itself; the planner still needs it.
    await copyFile(file, join(dir, composeFile));
    const warnings = source.baseDirectory ? ['A compose source is its file\'s folder: baseDirectory is ignored.'] : [];
    return materialized(work, { kind: source.kind, location }, dir, { composeFile, ...(warnings.length ? { warnings } : {}) });
  });
}

export async function findComposeFile(location: string): Promise<string> {
  const info = await stat(location).catch((err: unknown) => {
    throw unreadable(location, fsReason(err));
  });
  if (info.isFile()) return location;
  for (const name of COMPOSE_FILE_NAMES) {
    const candidate = join(location, name);
    if (await stat(candidate).then((s) => s.isFile(), () => false)) return candidate;
  }
  throw unreadable(location, 'compose_file_missing', { lookedFor: [...COMPOSE_FILE_NAMES] });
}
