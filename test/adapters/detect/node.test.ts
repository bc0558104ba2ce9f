import { describe, expect, it } from 'vitest';
import { createPlanner } from '../../../src/adapters/detect/index.js';
import { nodeImage } from '../../../src/core/plan/base-images.js';
import { rejection } from '../sources/fs-fixtures.js';
import { app, request } from './plan-fixtures.js';

const planner = createPlanner();
const pkg = (o: Record<string, unknown>) => JSON.stringify(o);
const deps = { dependencies: { express: '^4' } };

describe('node planner', () => {
  it('npm with a lockfile: npm ci, npm run build, npm start, port 3000 in PORT, supported', async () => {
    const dir = app({ 'package.json': pkg({ ...deps, scripts: { build: 'tsc', start: 'node dist/server.js' } }), 'package-lock.json': '{}' });
    const plan = await planner.plan(request(dir));
    expect(plan).toMatchObject({
      planner: 'node',
      supportTier: 'supported',
      artifactKind: 'image',
      commands: { install: 'npm ci', build: 'npm run build', start: 'npm start' },
      internalPort: 3000,
      routedService: 'web',
    });
    expect(plan.evidence).toEqual([
      { kind: 'file', detail: 'package.json' },
      { kind: 'lockfile', detail: 'package-lock.json' },
      { kind: 'script', detail: 'scripts.build' },
      { kind: 'script', detail: 'scripts.start' },
      { kind: 'default', detail: 'internalPort 3000' },
    ]);
    expect(plan.services[0]).toMatchObject({ env: { PORT: '3000' }, internalPort: 3000 });
    expect(plan.services[0]?.build).toEqual({
      kind: 'generated',
      contextDir: dir,
      dockerfileText: `FROM ${nodeImage(20)}\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\nENV PORT=3000\nEXPOSE 3000\nCMD ["sh","-c","npm start"]\n`,
    });
  });

  it('install: npm install without a lockfile, nothing without dependencies', async () => {
    const noLock = await planner.plan(request(app({ 'package.json': pkg({ ...deps, scripts: { start: 'node a.js' } }) })));
    expect(noLock.commands).toEqual({ install: 'npm install', start: 'npm start' });
    const noDeps = await planner.plan(request(app({ 'package.json': pkg({}), 'server.js': '', 'package-lock.json': '{}' })));
    expect(noDeps.commands).toEqual({ start: 'node server.js' });
    expect(noDeps.services[0]?.build).toMatchObject({ dockerfileText: expect.not.stringContaining('RUN') });
  });

  it.each([
    ['yarn.lock', 'yarn'],
    ['pnpm-lock.yaml', 'pnpm'],
  ])('%s selects %s, best-effort on the npm base image', async (lockfile, manager) => {
    const plan = await planner.plan(request(app({ 'package.json': pkg({ ...deps, scripts: { start: 'x' } }), [lockfile]: '' })));
    expect(plan.supportTier).toBe('best-effort');
    expect(plan.evidence).toContainEqual({ kind: 'lockfile', detail: lockfile });
    expect(plan.commands.install).toContain(manager);
    expect(plan.commands.start).toBe('npm start');
  });

  it('start falls back to node <main>, then server.js, then index.js', async () => {
    const main = await planner.plan(request(app({ 'package.json': pkg({ main: 'lib/app.js' }), 'lib/app.js': '', 'index.js': '' })));
    expect(main.commands.start).toBe('node lib/app.js');
    const built = await planner.plan(request(app({ 'package.json': pkg({ main: 'dist/main.js', scripts: { build: 'tsc' } }) })));
    expect(built.commands.start).toBe('node dist/main.js'); // produced by the build
    const server = await planner.plan(request(app({ 'package.json': pkg({ main: 'missing.js' }), 'server.js': '', 'index.js': '' })));
    expect(server.commands.start).toBe('node server.js');
    const index = await planner.plan(request(app({ 'package.json': pkg({}), 'index.js': '' })));
    expect(index.commands.start).toBe('node index.js');
  });

  it('no start script and no entry file is plan_blocked node_start_missing', async () => {
    const err = await rejection(planner.plan(request(app({ 'package.json': pkg({ ...deps, scripts: { test: 'vitest' } }) }))));
    expect(err.code).toBe('plan_blocked');
    expect(err.phase).toBe('plan');
    expect(err.details).toMatchObject({ reasonCode: 'node_start_missing', fixPath: 'package.json', overridePath: 'runtime.startCommand', profileField: 'runtime.startCommand' });
    expect(err.details.evidence).toContainEqual({ kind: 'missing', detail: 'scripts.start' });
  });

  it('explicit commands and internal port win over inference', async () => {
    const dir = app({ 'package.json': pkg({ ...deps, scripts: { build: 'tsc', start: 'node a.js' } }), 'package-lock.json': '{}' });
    const plan = await planner.plan(request(dir, {
      runtime: { installCommand: 'npm ci --omit=dev', buildCommand: '', startCommand: 'node --enable-source-maps dist/main.js', cpus: 1 },
      network: { internalPort: 8080 },
    }));
    expect(plan.commands).toEqual({ install: 'npm ci --omit=dev', start: 'node --enable-source-maps dist/main.js' });
    expect(plan.internalPort).toBe(8080);
    expect(plan.services[0]).toMatchObject({ env: { PORT: '8080' }, internalPort: 8080, cpus: 1 });
    expect(plan.evidence).toEqual(expect.arrayContaining([
      { kind: 'explicit', detail: 'runtime.installCommand' },
      { kind: 'explicit', detail: 'runtime.buildCommand' },
      { kind: 'explicit', detail: 'runtime.startCommand' },
      { kind: 'explicit', detail: 'network.internalPort' },
    ]));
    const text = plan.services[0]?.build.kind === 'generated' ? plan.services[0].build.dockerfileText : '';
    expect(text).toContain('ENV PORT=8080');
    expect(text).not.toContain('npm run build');
    expect(text).toContain('CMD ["sh","-c","node --enable-source-maps dist/main.js"]');
  });

  it('a multi-line command is written in exec form; package.json that is not an object is plan_blocked', async () => {
    const plan = await planner.plan(request(app({ 'package.json': pkg({ scripts: { start: 'x' } }) }), { runtime: { buildCommand: 'echo a\necho b' } }));
    expect(plan.services[0]?.build).toMatchObject({ dockerfileText: expect.stringContaining('RUN ["sh","-c","echo a\\necho b"]') });
    const err = await rejection(planner.plan(request(app({ 'package.json': '[not json' }))));
    expect(err.code).toBe('plan_blocked');
    expect(err.details).toMatchObject({ reasonCode: 'package_json_invalid', fixPath: 'package.json' });
    const missing = await rejection(planner.plan(request(app({ 'index.html': '' }), { runtime: { method: 'node' } })));
    expect(missing.details).toMatchObject({ reasonCode: 'node_package_json_missing' });
  });
});
