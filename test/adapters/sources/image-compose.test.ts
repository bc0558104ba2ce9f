import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSourceReader } from '../../../src/adapters/sources/index.js';
import { listFiles, rejection, tempDir, writeTree } from './fs-fixtures.js';

const reader = createSourceReader();

describe('image source', () => {
  it('has no directory; summary.image is the reference', async () => {
    for (const image of ['nginx', 'nginx:1.27-alpine', 'ghcr.io/org/app:v1', 'localhost:5000/team/app', `alpine@sha256:${'a'.repeat(64)}`]) {
      const work = tempDir('image-work');
      const m = await reader.materialize({ kind: 'image', location: image }, work);
      expect(m.summary).toEqual({ kind: 'image', location: image, image });
      expect(m.dir).toBeUndefined();
      expect(readdirSync(work)).toEqual([]);
      await m.dispose();
    }
  });

  it('a malformed reference is source_unreadable', async () => {
    for (const image of ['Not An Image', 'UPPER/case', 'app:', 'a//b']) {
      const err = await rejection(reader.materialize({ kind: 'image', location: image }, tempDir('image-work')));
      expect(err.code).toBe('source_unreadable');
      expect(err.details).toMatchObject({ reason: 'invalid_image_reference' });
    }
  });

  it('warns that baseDirectory does not apply to an image', async () => {
    const m = await reader.materialize({ kind: 'image', location: 'nginx', baseDirectory: 'web' }, tempDir('image-work'));
    expect(m.warnings).toHaveLength(1);
  });
});

describe('compose source', () => {
  it('copies the compose file folder and names the file, from a file path or a folder', async () => {
    const src = writeTree(tempDir('compose-src'), {
      'docker-compose.yml': 'services: {}\n',
      'web/Dockerfile': 'FROM scratch',
      '.dockerignore': 'docker-compose.yml\n', // common: the compose file must still be read
      '.gitignore': '.env\n',
      '.env': 'SECRET=1',
    });
    const byFile = await reader.materialize({ kind: 'compose', location: join(src, 'docker-compose.yml') }, tempDir('compose-work'));
    expect(byFile.composeFile).toBe('docker-compose.yml');
    expect(byFile.summary).toEqual({ kind: 'compose', location: join(src, 'docker-compose.yml') });
    expect(listFiles(byFile.dir!)).toEqual(['.dockerignore', '.gitignore', 'docker-compose.yml', 'web/Dockerfile']);
    await byFile.dispose();

    const byFolder = await reader.materialize({ kind: 'compose', location: src }, tempDir('compose-work'));
    expect(byFolder.composeFile).toBe('docker-compose.yml');
    await byFolder.dispose();
  });

  it('prefers compose.yaml, and a folder without a compose file is source_unreadable', async () => {
    const src = writeTree(tempDir('compose-pref'), { 'compose.yaml': 'services: {}\n', 'docker-compose.yml': 'services: {}\n' });
    const m = await reader.materialize({ kind: 'compose', location: src }, tempDir('compose-work'));
    expect(m.composeFile).toBe('compose.yaml');
    await m.dispose();

    const none = writeTree(tempDir('compose-none'), { 'index.html': '' });
    const err = await rejection(reader.materialize({ kind: 'compose', location: none }, tempDir('compose-work')));
    expect(err.code).toBe('source_unreadable');
    expect(err.details).toMatchObject({ reason: 'compose_file_missing' });
    const missing = await rejection(reader.materialize({ kind: 'compose', location: join(none, 'nope.yaml') }, tempDir('compose-work')));
    expect(missing.details).toMatchObject({ reason: 'missing' });
  });
});
