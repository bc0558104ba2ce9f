import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuildControlFile, parseDockerignore } from '../../../src/adapters/docker/dockerignore.js';
import { createSourceReader } from '../../../src/adapters/sources/index.js';
import { BASE_IMAGES } from '../../../src/core/plan/base-images.js';
import { listFiles, tempDir, writeTree } from '../sources/fs-fixtures.js';
import { DockerRun, prepareStaticRun } from '../../support/docker.js';

// .dockerignore follows Docker, not gitignore. Each pattern below is one where the two differ:
// a `!` exception inside an excluded folder, a trailing `/` (Docker: any path, gitignore: folders
// only), case (Docker is case-sensitive), `*` within one segment under a leading `/`, `**`.
// The same context is checked three ways: the matcher, the build context a real dockerd
// receives (COPY . shows it), and the copy a folder source makes.

const DOCKERIGNORE = [
  '# Docker still sends these two; the engine leaves them out of COPY',
  'Dockerfile',
  '.dockerignore',
  'node_modules',
  '!node_modules/keep.js',
  'cache/',
  'SECRET.txt',
  '**/*.tmp',
  '/docs/*.md',
  '!docs/keep.md',
  '',
].join('\n');

const FILES = {
  'index.html': 'hi',
  'node_modules/drop.js': 'x',
  'node_modules/keep.js': 'x',
  cache: 'a file named like the folder pattern',
  'secret.txt': 'lower case: not matched by SECRET.txt',
  'a/b/x.tmp': 'x',
  'docs/a.md': 'x',
  'docs/keep.md': 'x',
  'docs/sub/deep.md': 'x',
};

const SENT = ['docs/keep.md', 'docs/sub/deep.md', 'index.html', 'node_modules/keep.js', 'secret.txt'];

describe('.dockerignore rules', () => {
  it('match Docker where gitignore semantics differ', () => {
    const rules = parseDockerignore(DOCKERIGNORE);
    const decided = Object.fromEntries(Object.keys(FILES).map((f) => [f, rules.ignores(f)]));
    expect(decided).toEqual({
      'index.html': false,
      'node_modules/drop.js': true,
      'node_modules/keep.js': false,
      cache: true,
      'secret.txt': false,
      'a/b/x.tmp': true,
      'docs/a.md': true,
      'docs/keep.md': false,
      'docs/sub/deep.md': false,
    });
    expect(rules.mustDescend('node_modules')).toBe(true);
    expect(rules.mustDescend('a')).toBe(false);
    // CRLF files work; a leading `/` and a trailing `/` change nothing.
    expect(parseDockerignore('/build/\r\n!/build/keep\r\n').ignores('build/out')).toBe(true);
    expect(parseDockerignore('/build/\r\n!/build/keep\r\n').ignores('build/keep')).toBe(false);
    expect(['Dockerfile', 'web/Dockerfile.prod', 'app.Dockerfile', '.dockerignore'].every(isBuildControlFile)).toBe(true);
    expect(isBuildControlFile('Dockerfiles/readme')).toBe(false);
  });

  it('a folder source keeps the Dockerfile and .dockerignore it lists, and leaves out what Docker would', async () => {
    const dir = tempDir('di-copy');
    writeTree(dir, { ...FILES, Dockerfile: 'FROM scratch\n', '.dockerignore': DOCKERIGNORE });
    const m = await createSourceReader().materialize({ kind: 'folder', location: dir }, tempDir('di-work'));
    expect(listFiles(m.dir!)).toEqual(['.dockerignore', 'Dockerfile', ...SENT].sort());
    await m.dispose();
  });
});

describe('.dockerignore in a real build', () => {
  const run = new DockerRun();
  let network: string;
  beforeAll(async () => {
    network = await prepareStaticRun(run);
  });
  afterAll(() => run.cleanup());

  it('the context holds what docker build would send; a listed Dockerfile still builds', async () => {
    const dir = run.context({ ...FILES, Dockerfile: `FROM ${BASE_IMAGES.static}\nCOPY . /ctx\n`, '.dockerignore': DOCKERIGNORE });
    const tag = run.image('dockerignore');
    await run.engine.build({ contextDir: dir, dockerfile: { path: 'Dockerfile' }, tag, labels: run.labels() });
    const { exitCode, output } = await run.exec(tag, ['sh', '-c', 'cd /ctx && find . -type f | sort'], network);
    expect(exitCode).toBe(0);
    expect(output.trim().split('\n').map((f) => f.replace(/^\.\//, ''))).toEqual(SENT);
  });
});
