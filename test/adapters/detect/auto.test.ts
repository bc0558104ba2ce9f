import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPlanner } from '../../../src/adapters/detect/index.js';
import { createSourceReader } from '../../../src/adapters/sources/index.js';
import { commit, gitRepo, rejection, tempDir } from '../sources/fs-fixtures.js';
import { app, request } from './plan-fixtures.js';

const planner = createPlanner();
const NODE = JSON.stringify({ scripts: { start: 'node server.js' } });

describe('planner detection order (runtime.method auto)', () => {
  it('Dockerfile, then package.json, then a static index.html', async () => {
    const all = { Dockerfile: 'FROM x\nEXPOSE 5000\n', 'package.json': NODE, 'index.html': '' };
    expect((await planner.plan(request(app(all)))).planner).toBe('dockerfile');
    expect((await planner.plan(request(app({ 'package.json': NODE, 'index.html': '' })))).planner).toBe('node');
    expect((await planner.plan(request(app({ 'public/index.html': '' })))).planner).toBe('static');
  });

  it('package.json with a framework build wins over a stale dist/index.html; one with nothing to run leaves index.html to static', async () => {
    const vite = JSON.stringify({ devDependencies: { vite: '^6' }, scripts: { build: 'vite build' } });
    const stale = await planner.plan(request(app({ 'package.json': vite, 'index.html': '<div id="root">', 'dist/index.html': 'old build' })));
    expect(stale.planner).toBe('node');
    expect(stale.services[0]?.build).toMatchObject({ kind: 'node', output: { dir: 'dist', spaFallback: true } });
    const tooling = JSON.stringify({ devDependencies: { prettier: '^3' }, scripts: { format: 'prettier -w .' } });
    expect((await planner.plan(request(app({ 'package.json': tooling, 'index.html': '' })))).planner).toBe('static');
    expect((await planner.plan(request(app({ 'package.json': tooling, 'index.html': '' }), { runtime: { startCommand: 'npx serve' } }))).planner).toBe('node');
    const err = await rejection(planner.plan(request(app({ 'package.json': tooling }))));
    expect(err.details).toMatchObject({ reasonCode: 'node_start_missing' });
  });

  it('a folder whose .gitignore lists dist plans the node build: the copy leaves dist out and the build makes it', async () => {
    const dir = app({
      'package.json': JSON.stringify({ devDependencies: { vite: '^6' }, scripts: { build: 'vite build' } }),
      '.gitignore': 'node_modules\ndist\n',
      'index.html': '<div id="root"></div>',
      'dist/index.html': 'ignored output',
    });
    const source = await createSourceReader().materialize({ kind: 'folder', location: dir }, tempDir('auto-work'));
    expect(existsSync(join(source.dir ?? '', 'dist'))).toBe(false);
    const plan = await planner.plan({ ...request(undefined), source });
    expect(plan.planner).toBe('node');
    expect(plan.services[0]?.build).toMatchObject({ kind: 'node', build: 'npm run build', output: { dir: 'dist', spaFallback: true } });
    await source.dispose();
  });

  it('a compose source plans compose even with a Dockerfile beside it', async () => {
    const dir = app({ 'compose.yaml': 'services:\n  web:\n    build: .\n    expose: [3000]\n', Dockerfile: 'FROM x\nEXPOSE 1\n' });
    expect((await planner.plan(request(dir, { kind: 'compose', composeFile: 'compose.yaml' }))).planner).toBe('compose');
  });

  it('an explicit runtime.method wins over the files, and is recorded as evidence', async () => {
    const dir = app({ Dockerfile: 'FROM x\nEXPOSE 5000\n', 'package.json': NODE, 'index.html': '' });
    const node = await planner.plan(request(dir, { runtime: { method: 'node' } }));
    expect(node.planner).toBe('node');
    expect(node.evidence[0]).toEqual({ kind: 'explicit', detail: 'runtime.method' });
    expect((await planner.plan(request(dir, { runtime: { method: 'static' } }))).planner).toBe('static');
  });

  it('nothing recognisable is app_type_undetected naming what was looked for', async () => {
    const err = await rejection(planner.plan(request(app({ 'main.py': 'print(1)', 'requirements.txt': '' }))));
    expect(err.code).toBe('app_type_undetected');
    expect(err.phase).toBe('detect');
    expect(err.details).toMatchObject({ fixPath: '.', overridePath: 'runtime.method', profileField: 'runtime' });
    expect(err.details.evidence).toEqual(expect.arrayContaining([
      { kind: 'missing', detail: 'Dockerfile' },
      { kind: 'missing', detail: 'package.json' },
      { kind: 'missing', detail: 'index.html' },
      { kind: 'missing', detail: 'dist/index.html' },
    ]));
  });

  it('source warnings are carried into the plan', async () => {
    const source = await createSourceReader().materialize({ kind: 'image', location: 'nginx', baseDirectory: 'x' }, tempDir('auto-work'));
    const plan = await planner.plan({ ...request(undefined, { network: { internalPort: 80 } }), source });
    expect(plan.planner).toBe('image');
    expect(plan.warnings).toEqual(source.warnings);
  });

  it('plans a git source at the pinned commit, reading only that commit', async () => {
    const repo = gitRepo('auto-git');
    const first = commit(repo, { 'apps/web/index.html': '<h1>v1</h1>' });
    commit(repo, { 'apps/web/package.json': NODE, 'apps/web/server.js': '' });
    const source = await createSourceReader().materialize({ kind: 'git', location: repo, gitRef: first, baseDirectory: 'apps/web' }, tempDir('auto-work'));
    const plan = await planner.plan({ ...request(undefined), source });
    expect(source.summary.commit).toBe(first);
    expect(plan.planner).toBe('static'); // package.json arrived in a later commit
    await source.dispose();
  });
});
