import { createReadStream, existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSourceReader, createUploadStore } from '../../../src/adapters/sources/index.js';
import { packSource } from '../../../src/adapters/sources/pack.js';
import { uploadsDir } from '../../../src/adapters/sources/uploads.js';
import type { PackedSource } from '../../../src/ports/uploads.js';
import { zipBuffer } from '../../support/zip.js';
import { commit, gitIn, gitRepo, listFiles, rejection, tempDir, writeTree } from './fs-fixtures.js';

// The upload path end to end without HTTP: pack on the "client", receive into the store,
// materialize with the source reader, and compare with what a local folder read gives.

const reader = createSourceReader();

async function roundTrip(packed: PackedSource, workRoot: string, now = new Date()) {
  const store = createUploadStore({ workRoot });
  const receipt = await store.receive(createReadStream(packed.file), { sha256: packed.sha256, declaredBytes: packed.sizeBytes, meta: packed.meta }, now);
  return { store, receipt, source: packed.sourceFor(receipt.id) };
}

describe('uploads', () => {
  it('an uploaded folder holds exactly what a local read of the folder holds', async () => {
    const dir = writeTree(tempDir('upl-src'), {
      'index.html': 'x',
      'sub/a.txt': 'a',
      'sub/skip.log': 'no',
      '.gitignore': '*.log\n',
      '.dockerignore': 'private\nvendor\n!vendor/lib/keep.js\n',
      'private/key': 'secret',
      'vendor/drop.js': 'no',
      'vendor/lib/keep.js': 'yes',
      'link': { link: 'index.html' },
    });
    const workRoot = tempDir('upl-work');
    const packed = (await packSource({ kind: 'folder', location: dir }))!;
    const { source } = await roundTrip(packed, workRoot);
    await packed.dispose();
    expect(existsSync(packed.file)).toBe(false);
    const uploaded = await reader.materialize(source, workRoot);
    const local = await reader.materialize({ kind: 'folder', location: dir }, workRoot);
    expect(listFiles(uploaded.dir!)).toEqual(listFiles(local.dir!));
    expect(listFiles(uploaded.dir!)).toEqual(['.dockerignore', '.gitignore', 'index.html', 'link', 'sub/a.txt', 'vendor/lib/keep.js']);
    expect(uploaded.summary).toEqual({ kind: 'upload', location: source.location });
    await uploaded.dispose();
    await local.dispose();
  });

  it('a compose upload keeps the compose file even when .dockerignore lists it, and names it', async () => {
    const dir = writeTree(tempDir('upl-compose'), { 'compose.yaml': 'services: {}\n', '.dockerignore': 'compose.yaml\n', 'web/Dockerfile': 'FROM scratch\n' });
    const workRoot = tempDir('upl-work');
    const packed = (await packSource({ kind: 'compose', location: join(dir, 'compose.yaml') }))!;
    const { source } = await roundTrip(packed, workRoot);
    await packed.dispose();
    const m = await reader.materialize(source, workRoot);
    expect(m.composeFile).toBe('compose.yaml');
    expect(readFileSync(join(m.dir!, 'compose.yaml'), 'utf8')).toBe('services: {}\n');
    expect(listFiles(m.dir!)).toContain('web/Dockerfile');
    await m.dispose();
  });

  it('uploads expire: swept by age, and an expired id is upload_not_found', async () => {
    const dir = writeTree(tempDir('upl-old'), { 'index.html': 'old' });
    const workRoot = tempDir('upl-work');
    const packed = (await packSource({ kind: 'folder', location: dir }))!;
    const store = createUploadStore({ workRoot, ttlMs: 60_000 });
    const old = await store.receive(createReadStream(packed.file), { sha256: packed.sha256, meta: packed.meta }, new Date(Date.now() - 120_000));
    // Its expiry has passed: a read refuses it before any sweep.
    expect(await rejection(reader.materialize(packed.sourceFor(old.id), workRoot))).toMatchObject({ code: 'upload_not_found', details: { id: old.id, reason: 'expired' } });
    const past = new Date(Date.now() - 120_000);
    for (const name of readdirSync(uploadsDir(workRoot))) utimesSync(join(uploadsDir(workRoot), name), past, past);
    const fresh = await store.receive(createReadStream(packed.file), { sha256: packed.sha256, meta: packed.meta }, new Date());
    await packed.dispose();
    expect(readdirSync(uploadsDir(workRoot)).sort()).toEqual([`${fresh.id}.json`, `${fresh.id}.tar`]);
    expect(await rejection(reader.materialize(packed.sourceFor(old.id), workRoot))).toMatchObject({ code: 'upload_not_found', details: { reason: 'missing' } });
    const ok = await reader.materialize(packed.sourceFor(fresh.id), workRoot);
    expect(readFileSync(join(ok.dir!, 'index.html'), 'utf8')).toBe('old');
    await ok.dispose();
  });

  it('a location that is not an upload id never becomes a path', async () => {
    const workRoot = tempDir('upl-work');
    expect(await rejection(reader.materialize({ kind: 'upload', location: '../../etc/passwd' }, workRoot))).toMatchObject({ code: 'upload_not_found', details: { reason: 'not_an_upload_id' } });
  });

  it('a local git repository is packed at its ref, with its base directory, not as the working tree', async () => {
    const repo = gitRepo('upl-git');
    commit(repo, { 'app/index.html': 'v1', 'other.txt': 'o' });
    commit(repo, { 'app/index.html': 'v2' });
    gitIn(repo, 'tag', 'v2');
    commit(repo, { 'app/index.html': 'v3' });
    writeTree(repo, { 'app/untracked.txt': 'not committed' });
    const workRoot = tempDir('upl-work');
    const packed = (await packSource({ kind: 'git', location: repo, gitRef: 'v2', baseDirectory: 'app' }))!;
    const { source } = await roundTrip(packed, workRoot);
    await packed.dispose();
    expect(source).toEqual({ kind: 'upload', location: source.location });
    const m = await reader.materialize(source, workRoot);
    expect(listFiles(m.dir!)).toEqual(['index.html']);
    expect(readFileSync(join(m.dir!, 'index.html'), 'utf8')).toBe('v2');
    await m.dispose();
    expect(await packSource({ kind: 'git', location: 'https://example.test/repo.git' })).toBeUndefined();
  });

  it('a zip is uploaded as it is; its base directory is applied by the control plane', async () => {
    const zip = join(tempDir('upl-zip'), 'app.zip');
    writeFileSync(zip, zipBuffer([{ name: 'app/index.html', data: 'zipped' }]));
    const workRoot = tempDir('upl-work');
    const packed = (await packSource({ kind: 'zip', location: zip, baseDirectory: 'app' }))!;
    expect(packed.meta).toEqual({ kind: 'zip', format: 'zip' });
    const { source } = await roundTrip(packed, workRoot);
    expect(source).toMatchObject({ kind: 'upload', baseDirectory: 'app' });
    const m = await reader.materialize(source, workRoot);
    expect(readFileSync(join(m.dir!, 'index.html'), 'utf8')).toBe('zipped');
    await m.dispose();
  });
});
