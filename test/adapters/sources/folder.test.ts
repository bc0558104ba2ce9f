import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSourceReader } from '../../../src/adapters/sources/index.js';
import { listFiles, rejection, tempDir, writeTree } from './fs-fixtures.js';

const reader = createSourceReader();

describe('folder source', () => {
  it('copies the folder honouring nested .gitignore files (with negation), .dockerignore and skipping .git', async () => {
    const src = writeTree(tempDir('folder-src'), {
      '.gitignore': 'node_modules/\n*.log\n',
      '.dockerignore': 'secrets.txt\ndocs\n',
      'index.js': 'console.log(1)',
      'keep.log': 'ignored by root .gitignore',
      'secrets.txt': 'dockerignored',
      'docs/readme.md': 'dockerignored folder',
      'lib/docs/api.md': 'dockerignore is anchored: only the top docs/ is out',
      'node_modules/x/index.js': 'ignored',
      'lib/.gitignore': '!important.log\ntmp/\n',
      'lib/important.log': 're-included by lib/.gitignore',
      'lib/other.log': 'still ignored',
      'lib/tmp/cache': 'ignored by lib/.gitignore',
      '.git/HEAD': 'ref: refs/heads/main',
      'link.js': { link: 'index.js' },
    });
    const work = tempDir('folder-work');
    const m = await reader.materialize({ kind: 'folder', location: src }, work);
    expect(m.summary).toEqual({ kind: 'folder', location: src });
    expect(m.dir?.startsWith(work)).toBe(true);
    expect(listFiles(m.dir!)).toEqual(['.dockerignore', '.gitignore', 'index.js', 'lib/.gitignore', 'lib/docs/api.md', 'lib/important.log', 'link.js']);

    // The copy is private: later edits to the folder do not change it; dispose removes it.
    writeFileSync(join(src, 'index.js'), 'changed');
    expect(readFileSync(join(m.dir!, 'index.js'), 'utf8')).toBe('console.log(1)');
    await m.dispose();
    expect(readdirSync(work)).toEqual([]);
  });

  it('applies baseDirectory, with the .gitignore files above it', async () => {
    const src = writeTree(tempDir('folder-base'), {
      '.gitignore': '*.tmp\n',
      'apps/web/index.html': '<h1>hi</h1>',
      'apps/web/scratch.tmp': 'x',
      'apps/api/server.js': '',
    });
    const m = await reader.materialize({ kind: 'folder', location: src, baseDirectory: './apps/web/' }, tempDir('folder-work'));
    expect(m.summary.baseDirectory).toBe('apps/web');
    expect(listFiles(m.dir!)).toEqual(['index.html']);
    await m.dispose();
  });

  it('a missing base directory, or one outside the source, is source_base_directory_not_found', async () => {
    const src = writeTree(tempDir('folder-nobase'), { 'index.html': '' });
    for (const baseDirectory of ['apps/none', '../elsewhere', '/etc']) {
      const err = await rejection(reader.materialize({ kind: 'folder', location: src, baseDirectory }, tempDir('folder-work')));
      expect(err.code).toBe('source_base_directory_not_found');
      expect(err.phase).toBe('detect');
    }
  });

  it('missing, not a directory, empty, or all ignored is source_unreadable, and leaves no work dir', async () => {
    const root = tempDir('folder-bad');
    writeTree(root, { 'file.txt': 'x', 'ignored/.gitignore': '*\n', 'ignored/a.txt': 'x' });
    const empty = tempDir('folder-empty');
    const cases: [string, string][] = [
      [join(root, 'nope'), 'missing'],
      [join(root, 'file.txt'), 'not_a_directory'],
      [empty, 'empty'],
      [join(root, 'ignored'), 'empty'],
    ];
    for (const [location, reason] of cases) {
      const work = tempDir('folder-work');
      const err = await rejection(reader.materialize({ kind: 'folder', location }, work));
      expect(err.code).toBe('source_unreadable');
      expect(err.phase).toBe('detect');
      expect(err.details).toMatchObject({ location, reason });
      expect(readdirSync(work)).toEqual([]);
    }
  });

  it.skipIf(process.getuid?.() === 0)('an unreadable file is source_unreadable (permission_denied)', async () => {
    const src = writeTree(tempDir('folder-perm'), { 'index.html': '', 'private.txt': 'x' });
    chmodSync(join(src, 'private.txt'), 0o000);
    const err = await rejection(reader.materialize({ kind: 'folder', location: src }, tempDir('folder-work')));
    expect(err.code).toBe('source_unreadable');
    expect(err.details).toMatchObject({ reason: 'permission_denied', path: 'private.txt' });
    chmodSync(join(src, 'private.txt'), 0o644);
  });

  it('the source folder is left untouched', async () => {
    const src = writeTree(tempDir('folder-ro'), { 'index.html': 'x', '.gitignore': 'a\n', a: 'y' });
    const before = listFiles(src);
    const m = await reader.materialize({ kind: 'folder', location: src }, tempDir('folder-work'));
    await m.dispose();
    expect(listFiles(src)).toEqual(before);
    expect(existsSync(join(src, 'a'))).toBe(true);
  });
});
