import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSourceReader, safeLocation } from '../../../src/adapters/sources/index.js';
import { commit, gitIn, gitRepo, listFiles, rejection, tempDir, writeTree } from './fs-fixtures.js';

const reader = createSourceReader();

describe('git source', () => {
  it('resolves the ref to a commit first and extracts exactly that commit', async () => {
    const repo = gitRepo('git-pin');
    const first = commit(repo, { 'index.html': 'v1', 'apps/web/index.html': 'web v1' });
    gitIn(repo, 'tag', 'v1');
    gitIn(repo, 'branch', 'stable');
    const second = commit(repo, { 'index.html': 'v2', 'extra.txt': 'x' });
    writeTree(repo, { 'uncommitted.txt': 'not in any commit' });

    const head = await reader.materialize({ kind: 'git', location: repo }, tempDir('git-work'));
    expect(head.summary).toMatchObject({ kind: 'git', location: repo, gitRef: 'HEAD', commit: second });
    expect(listFiles(head.dir!)).toEqual(['apps/web/index.html', 'extra.txt', 'index.html']);
    await head.dispose();

    for (const gitRef of ['v1', 'stable', first, first.slice(0, 10)]) {
      const m = await reader.materialize({ kind: 'git', location: repo, gitRef }, tempDir('git-work'));
      expect(m.summary.commit).toBe(first);
      expect(m.summary.gitRef).toBe(gitRef);
      expect(readFileSync(join(m.dir!, 'index.html'), 'utf8')).toBe('v1');
      expect(listFiles(m.dir!)).toEqual(['apps/web/index.html', 'index.html']);
      await m.dispose();
    }
  });

  it('applies baseDirectory at the ref, and reports one missing at that ref', async () => {
    const repo = gitRepo('git-base');
    commit(repo, { 'README.md': 'root' });
    gitIn(repo, 'tag', 'before-web');
    commit(repo, { 'apps/web/index.html': 'web' });

    const m = await reader.materialize({ kind: 'git', location: repo, baseDirectory: 'apps/web' }, tempDir('git-work'));
    expect(m.summary.baseDirectory).toBe('apps/web');
    expect(listFiles(m.dir!)).toEqual(['index.html']);
    await m.dispose();

    const work = tempDir('git-work');
    const err = await rejection(reader.materialize({ kind: 'git', location: repo, gitRef: 'before-web', baseDirectory: 'apps/web' }, work));
    expect(err.code).toBe('source_base_directory_not_found');
    expect(err.phase).toBe('detect');
    expect(err.details).toMatchObject({ gitRef: 'before-web', baseDirectory: 'apps/web' });
    expect(readdirSync(work)).toEqual([]);

    // A file is not a directory.
    const file = await rejection(reader.materialize({ kind: 'git', location: repo, baseDirectory: 'README.md' }, tempDir('git-work')));
    expect(file.code).toBe('source_base_directory_not_found');
  });

  it('an unknown ref is source_ref_not_found', async () => {
    const repo = gitRepo('git-ref');
    commit(repo, { 'index.html': 'x' });
    for (const gitRef of ['no-such-branch', 'deadbeef', '--output=/tmp/x']) {
      const err = await rejection(reader.materialize({ kind: 'git', location: repo, gitRef }, tempDir('git-work')));
      expect(err.code).toBe('source_ref_not_found');
      expect(err.phase).toBe('detect');
      expect(err.details).toMatchObject({ location: repo, gitRef });
    }
  });

  it('a folder that is not a repository (even inside another checkout) is source_unreadable', async () => {
    // .berth-test lives inside the Berth checkout: discovery must not climb to it.
    const plain = writeTree(tempDir('git-plain'), { 'index.html': 'x' });
    const err = await rejection(reader.materialize({ kind: 'git', location: plain }, tempDir('git-work')));
    expect(err.code).toBe('source_unreadable');
    expect(err.details).toMatchObject({ reason: 'not_a_repository' });

    const missing = await rejection(reader.materialize({ kind: 'git', location: join(plain, 'nope') }, tempDir('git-work')));
    expect(missing.code).toBe('source_unreadable');
    expect(missing.details).toMatchObject({ reason: 'missing' });
  });

  it('reads a file:// URL through a private bare clone', async () => {
    const repo = gitRepo('git-url');
    const sha = commit(repo, { 'package.json': '{}' });
    const m = await reader.materialize({ kind: 'git', location: `file://${repo}` }, tempDir('git-work'));
    expect(m.summary).toMatchObject({ location: `file://${repo}`, commit: sha });
    expect(listFiles(m.dir!)).toEqual(['package.json']);
    await m.dispose();
  });

  it('never shows URL credentials, even when the clone fails', async () => {
    expect(safeLocation('https://user:s3cret@git.example.test/org/app.git')).toBe('https://git.example.test/org/app.git');
    expect(safeLocation('https://ghp_token@git.example.test/org/app.git')).toBe('https://git.example.test/org/app.git');
    expect(safeLocation('git@github.com:org/app.git')).toBe('git@github.com:org/app.git');
    expect(safeLocation('/srv/repos/app')).toBe('/srv/repos/app');

    const work = tempDir('git-work');
    const err = await rejection(reader.materialize({ kind: 'git', location: 'http://user:s3cret@127.0.0.1:9/app.git' }, work));
    expect(err.code).toBe('source_unreadable');
    expect(err.details).toMatchObject({ location: 'http://127.0.0.1:9/app.git', reason: 'clone_failed' });
    expect(JSON.stringify(err.toObject())).not.toContain('s3cret');
    expect(readdirSync(work)).toEqual([]);
  });
});
