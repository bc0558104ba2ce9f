import { mkdir, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import type { SourceProfile } from '../../core/model/profiles.js';
import type { MaterializedSource } from '../../ports/sources.js';
import { git, gitArchiveTo, gitClone } from './git-cli.js';
import { isRemoteGitUrl, safeLocation } from '../../core/redaction/source-location.js';
import { requireDirectory } from './folder.js';
import { materialized, normalizeBaseDirectory, unreadable, withWorkDir } from './work-dir.js';

// A git repository: a local path is read in place (read-only: rev-parse, cat-file, archive);
// a URL (file://, https://, ssh://) is first cloned bare into the work directory. The ref is
// resolved to a commit before any file is read, and every later read names that commit, so a
// branch moving mid-way cannot mix two versions. The snapshot pins summary.commit.

export async function materializeGit(source: SourceProfile, workRoot: string): Promise<MaterializedSource> {
  const location = isRemoteGitUrl(source.location) ? safeLocation(source.location) : resolve(source.location);
  const gitRef = source.gitRef ?? 'HEAD';
  const base = normalizeBaseDirectory(source, location);
  if (!isRemoteGitUrl(source.location)) await requireDirectory(location, location);
  return withWorkDir(workRoot, 'git', async (work) => {
    let repo = location;
    if (isRemoteGitUrl(source.location)) {
      repo = join(work, 'repo.git');
      if (!(await gitClone(source.location, repo))) throw unreadable(location, 'clone_failed');
    }
    if (!(await git(repo, ['rev-parse', '--git-dir'])).ok) throw unreadable(location, 'not_a_repository');

    const commit = await resolveCommit(repo, gitRef);
    if (!commit) throw new BerthError('source_ref_not_found', `Ref ${gitRef} does not exist in ${location}.`, { location, gitRef });

    if (base !== '') {
      const type = await git(repo, ['cat-file', '-t', `${commit}:${base}`]);
      if (!type.ok || type.stdout.trim() !== 'tree') {
        throw new BerthError('source_base_directory_not_found', `Base directory ${base} does not exist at ${gitRef}.`, { location, gitRef, commit, baseDirectory: base });
      }
    }

    const dir = join(work, 'app');
    await mkdir(dir);
    if (!(await gitArchiveTo(repo, base === '' ? commit : `${commit}:${base}`, dir))) throw unreadable(location, 'archive_failed', { gitRef, commit });
    if ((await readdir(dir)).length === 0) throw unreadable(location, 'empty', { gitRef, commit });
    return materialized(work, { kind: source.kind, location, gitRef, commit, ...(base ? { baseDirectory: base } : {}) }, dir);
  });
}

/** Branch, tag (peeled) or (abbreviated) sha -> full commit id; undefined when unknown. */
async function resolveCommit(repo: string, ref: string): Promise<string | undefined> {
  // --end-of-options keeps a ref such as "--output=x" from being read as an option.
  const result = await git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  const commit = result.stdout.trim();
  return result.ok && /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined;
}
