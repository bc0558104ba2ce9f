import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { isAbsolute, join, posix } from 'node:path';
import type { SourceProfile } from '../../core/model/profiles.js';
import { BerthError } from '../../core/errors/berth-error.js';
import type { MaterializedSource, SourceSummary } from '../../ports/sources.js';

// Every materialised source lives in its own directory under workRoot, removed by dispose()
// or at once when materialising fails, so a failed read leaves nothing behind.

export async function withWorkDir(workRoot: string, kind: SourceProfile['kind'], fn: (work: string) => Promise<MaterializedSource>): Promise<MaterializedSource> {
  await mkdir(workRoot, { recursive: true });
  const work = await mkdtemp(join(workRoot, `${kind}-`));
  try {
    return await fn(work);
  } catch (err) {
    await rm(work, { recursive: true, force: true });
    throw err;
  }
}

export function materialized(work: string, summary: SourceSummary, dir: string, extra: Partial<Pick<MaterializedSource, 'composeFile' | 'warnings'>> = {}): MaterializedSource {
  return { summary, dir, ...extra, dispose: () => rm(work, { recursive: true, force: true }) };
}

/**
 * "./apps/web/" -> "apps/web"; "" / "." -> "" (the root). A base directory that is absolute or
 * climbs out with ".." is reported as not found: it names nothing inside the source.
 */
export function normalizeBaseDirectory(source: SourceProfile, location: string): string {
  const base = source.baseDirectory;
  if (base === undefined) return '';
  const normal = posix.normalize(base.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (isAbsolute(base) || normal === '..' || normal.startsWith('../')) {
    throw new BerthError('source_base_directory_not_found', `Base directory ${base} is outside the source.`, {
      location, baseDirectory: base, reason: 'outside_source', ...(source.gitRef ? { gitRef: source.gitRef } : {}),
    });
  }
  return normal === '.' ? '' : normal;
}

/** The fs error code as a stable, safe reason. */
export function fsReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'missing';
  if (code === 'EACCES' || code === 'EPERM') return 'permission_denied';
  if (code === 'ENOTDIR') return 'not_a_directory';
  return 'read_failed';
}

export function unreadable(location: string, reason: string, extra: Record<string, unknown> = {}): BerthError {
  return new BerthError('source_unreadable', `The source at ${location} cannot be read (${reason}).`, { location, reason, ...extra });
}
