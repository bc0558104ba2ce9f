import { existsSync, readFileSync, readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSourceReader } from '../../../src/adapters/sources/index.js';
import { zipBuffer, type ZipEntrySpec } from '../../support/zip.js';
import { listFiles, rejection, tempDir } from './fs-fixtures.js';

const reader = createSourceReader();

function zipFile(entries: ZipEntrySpec[]): string {
  const file = join(tempDir('zip-src'), 'app.zip');
  writeFileSync(file, zipBuffer(entries));
  return file;
}

describe('zip source', () => {
  it('extracts files, folders, modes and safe symlinks', async () => {
    const file = zipFile([
      { name: 'site/' },
      { name: 'site/index.html', data: '<h1>hi</h1>' },
      { name: 'run.sh', data: '#!/bin/sh', mode: 0o755 },
      { name: 'site/home.html', symlink: 'index.html' },
      { name: 'site/up.txt', symlink: '../run.sh' },
    ]);
    const m = await reader.materialize({ kind: 'zip', location: file }, tempDir('zip-work'));
    expect(m.summary).toEqual({ kind: 'zip', location: file });
    expect(listFiles(m.dir!)).toEqual(['run.sh', 'site/home.html', 'site/index.html', 'site/up.txt']);
    expect(readFileSync(join(m.dir!, 'site/home.html'), 'utf8')).toBe('<h1>hi</h1>');
    expect(readlinkSync(join(m.dir!, 'site/up.txt'))).toBe('../run.sh');
    expect(statSync(join(m.dir!, 'run.sh')).mode & 0o111).not.toBe(0);
    await m.dispose();
  });

  it('applies baseDirectory, and reports a missing one', async () => {
    const file = zipFile([{ name: 'apps/web/index.html', data: 'x' }, { name: 'README', data: 'r' }]);
    const m = await reader.materialize({ kind: 'zip', location: file, baseDirectory: 'apps/web' }, tempDir('zip-work'));
    expect(m.summary.baseDirectory).toBe('apps/web');
    expect(listFiles(m.dir!)).toEqual(['index.html']);
    await m.dispose();

    const err = await rejection(reader.materialize({ kind: 'zip', location: file, baseDirectory: 'apps/api' }, tempDir('zip-work')));
    expect(err.code).toBe('source_base_directory_not_found');
    expect(err.phase).toBe('detect');
  });

  it.each([
    ['path traversal', [{ name: '../evil.txt', data: 'x' }], '../evil.txt', 'path_traversal'],
    ['nested traversal', [{ name: 'a/../../evil.txt', data: 'x' }], 'a/../../evil.txt', 'path_traversal'],
    ['absolute path', [{ name: '/tmp/evil.txt', data: 'x' }], '/tmp/evil.txt', 'absolute_path'],
    ['drive letter', [{ name: 'C:/evil.txt', data: 'x' }], 'C:/evil.txt', 'absolute_path'],
    ['symlink climbing out', [{ name: 'a/link', symlink: '../../etc/passwd' }], 'a/link', 'symlink_escape'],
    ['absolute symlink', [{ name: 'link', symlink: '/etc/passwd' }], 'link', 'symlink_escape'],
    ['symlink through a symlink', [{ name: 'here', symlink: '.' }, { name: 'out', symlink: 'here/../x' }], 'out', 'symlink_escape'],
    ['file written under a symlink', [{ name: 'dir', symlink: '.' }, { name: 'dir/x', data: 'x' }], 'dir', 'conflicting_entry'],
    ['a file where a folder is', [{ name: 'a/b', data: 'x' }, { name: 'a', data: 'y' }], 'a', 'conflicting_entry'],
  ] as [string, ZipEntrySpec[], string, string][])('rejects %s as source_archive_invalid naming the entry', async (_label, entries, entry, reason) => {
    const work = tempDir('zip-work');
    const err = await rejection(reader.materialize({ kind: 'zip', location: zipFile([{ name: 'ok.txt', data: 'ok' }, ...entries]) }, work));
    expect(err.code).toBe('source_archive_invalid');
    expect(err.phase).toBe('detect');
    expect(err.details).toMatchObject({ entry, reason });
    expect(readdirSync(work)).toEqual([]);
    expect(existsSync(join(work, '..', 'evil.txt'))).toBe(false);
  });

  it('a corrupt or truncated archive is source_archive_invalid', async () => {
    const dir = tempDir('zip-corrupt');
    const garbage = join(dir, 'garbage.zip');
    writeFileSync(garbage, 'this is not a zip file at all');
    const good = zipBuffer([{ name: 'index.html', data: 'hello world' }]);
    const badCrc = Buffer.from(good);
    badCrc[30 + 'index.html'.length] = 0x48; // flip the first data byte: CRC no longer matches
    const crcFile = join(dir, 'crc.zip');
    writeFileSync(crcFile, badCrc);
    const truncated = join(dir, 'truncated.zip');
    writeFileSync(truncated, good.subarray(0, good.length - 10));
    for (const location of [garbage, crcFile, truncated]) {
      const err = await rejection(reader.materialize({ kind: 'zip', location }, tempDir('zip-work')));
      expect(err.code).toBe('source_archive_invalid');
      expect(err.details).toMatchObject({ location, reason: 'corrupt' });
    }
  });

  it('a missing or empty archive is source_unreadable', async () => {
    const missing = await rejection(reader.materialize({ kind: 'zip', location: join(tempDir('zip-missing'), 'none.zip') }, tempDir('zip-work')));
    expect(missing.code).toBe('source_unreadable');
    expect(missing.details).toMatchObject({ reason: 'missing' });
    const empty = await rejection(reader.materialize({ kind: 'zip', location: zipFile([{ name: 'only-a-dir/' }]) }, tempDir('zip-work')));
    expect(empty.code).toBe('source_unreadable');
    expect(empty.details).toMatchObject({ reason: 'empty' });
  });
});
