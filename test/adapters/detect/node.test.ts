import { describe, expect, it } from 'vitest';
import { createPlanner } from '../../../src/adapters/detect/index.js';
import { nodeImage } from '../../../src/core/plan/base-images.js';
import { rejection } from '../sources/fs-fixtures.js';
import { app, nodeBuild, request } from './plan-fixtures.js';

// The node planner's plan shape: a `node` build (major and image, package manager, install
// files, install/build/start, port, build settings), with the commands also in plan.commands.

const HOST = 'v20.19.2';
const planner = createPlanner({ hostNodeVersion: HOST });
const pkg = (o: Record<string, unknown>) => JSON.stringify(o);
const deps = { dependencies: { express: '^4' } };

describe('node planner', () => {
  it('npm with a lockfile: a node build with npm ci, npm run build, npm start, port 3000 in PORT, supported', async () => {
    const dir = app({ 'package.json': pkg({ ...deps, scripts: { build: 'tsc', start: 'node dist/server.js' } }), 'package-lock.json': '{}' });
    const plan = await planner.plan(request(dir));
    expect(plan).toMatchObject({
      planner: 'node',
      supportTier: 'supported',
      artifactKind: 'image',
      commands: { install: 'npm ci', build: 'npm run build', start: 'npm start' },
      internalPort: 3000,
      routedService: 'web',
      warnings: [],
    });
    expect(plan.warningCodes).toBeUndefined();
    expect(plan.evidence).toEqual([
      { kind: 'file', detail: 'package.json' },
      { kind: 'lockfile', detail: 'package-lock.json' },
      { kind: 'default', detail: expect.stringContaining('20') },
      { kind: 'framework', detail: 'express' },
      { kind: 'dependency', detail: 'express' },
      { kind: 'script', detail: 'scripts.build' },
      { kind: 'script', detail: 'scripts.start' },
      { kind: 'default', detail: 'internalPort 3000' },
    ]);
    expect(plan.services[0]).toMatchObject({ env: { PORT: '3000' }, internalPort: 3000 });
    expect(nodeBuild(plan)).toEqual({
      kind: 'node',
      contextDir: dir,
      node: { major: 20, image: nodeImage(20) },
      packageManager: { name: 'npm' },
      installFiles: ['package.json', 'package-lock.json'],
      install: 'npm ci',
      build: 'npm run build',
      start: 'npm start',
      port: 3000,
      settings: { hostTrust: true },
    });
  });

  it('build settings come from the build profile: env, args, secret names, hostTrust', async () => {
    const dir = app({ 'package.json': pkg({ scripts: { start: 'node a.js' } }) });
    const plan = await planner.plan(request(dir, { build: { env: { NODE_OPTIONS: '--max-old-space-size=2048' }, args: { A: '1' }, secrets: ['NPM_TOKEN'], hostTrust: false } }));
    expect(nodeBuild(plan).settings).toEqual({ env: { NODE_OPTIONS: '--max-old-space-size=2048' }, args: { A: '1' }, secrets: ['NPM_TOKEN'], hostTrust: false });
    const defaults = await planner.plan(request(dir, { build: {} }));
    expect(nodeBuild(defaults).settings).toEqual({ hostTrust: true });
  });

  it('install: npm install without a lockfile (warned, best-effort), nothing without dependencies', async () => {
    const noLock = await planner.plan(request(app({ 'package.json': pkg({ ...deps, scripts: { start: 'node a.js' } }) })));
    expect(noLock.commands).toEqual({ install: 'npm install', start: 'npm start' });
    expect(noLock.supportTier).toBe('best-effort');
    expect(noLock.warningCodes?.map((w) => w.reasonCode)).toEqual(['install_not_frozen']);
    expect(noLock.warnings).toContain(noLock.warningCodes?.[0]?.message);
    const noDeps = await planner.plan(request(app({ 'package.json': pkg({}), 'server.js': '', 'package-lock.json': '{}' })));
    expect(noDeps.commands).toEqual({ start: 'node server.js' });
    expect(nodeBuild(noDeps).install).toBeUndefined();
    expect(noDeps.supportTier).toBe('supported');
  });

  it('start falls back to node <main>, then server.js, then index.js', async () => {
    const main = await planner.plan(request(app({ 'package.json': pkg({ main: 'lib/app.js' }), 'lib/app.js': '', 'index.js': '' })));
    expect(main.commands.start).toBe('node lib/app.js');
    const built = await planner.plan(request(app({ 'package.json': pkg({ main: 'dist/main.js', scripts: { build: 'tsc' } }) })));
    expect(built.commands.start).toBe('node dist/main.js'); // produced by the build
    const server = await planner.plan(request(app({ 'package.json': pkg({ main: 'missing.js' }), 'server.js': '', 'index.js': '' })));
    expect(server.commands.start).toBe('node server.js');
    const index = await planner.plan(request(app({ 'package.json': pkg({}), 'index.js': '' })));
    expect(nodeBuild(index).start).toBe('node index.js');
  });

  it('port: PORT= in the start script, --port, then a .listen(NNNN) literal, else 3000', async () => {
    const env = await planner.plan(request(app({ 'package.json': pkg({ scripts: { start: 'PORT=8080 node server.js' } }), 'server.js': '' })));
    expect(env).toMatchObject({ internalPort: 8080, services: [{ env: { PORT: '8080' } }] });
    expect(nodeBuild(env).port).toBe(8080);
    expect(env.evidence).toContainEqual({ kind: 'port', detail: 'scripts.start 8080' });
    const flag = await planner.plan(request(app({ 'package.json': pkg({ dependencies: { next: '15' }, scripts: { build: 'next build', start: 'next start -p 4000' } }) })));
    expect(flag.internalPort).toBe(4000);
    const listen = await planner.plan(request(app({ 'package.json': pkg({ scripts: { start: 'node src/server.js' } }), 'src/server.js': "app.listen(5050, () => console.log('up'));\n" })));
    expect(listen.internalPort).toBe(5050);
    expect(listen.evidence).toContainEqual({ kind: 'port', detail: 'src/server.js .listen(5050)' });
    const two = await planner.plan(request(app({ 'package.json': pkg({ scripts: { start: 'node server.js' } }), 'server.js': 'a.listen(5050);\nb.listen(6060);\n' })));
    expect(two.internalPort).toBe(3000); // not obvious: the default
    const envPort = await planner.plan(request(app({ 'package.json': pkg({ main: 'server.js' }), 'server.js': 'app.listen(process.env.PORT || 3001);\n' })));
    expect(envPort.internalPort).toBe(3000);
  });

  it('no start script and no entry file is plan_blocked node_start_missing', async () => {
    const err = await rejection(planner.plan(request(app({ 'package.json': pkg({ ...deps, scripts: { test: 'vitest' } }) }))));
    expect(err.code).toBe('plan_blocked');
    expect(err.phase).toBe('plan');
    expect(err.details).toMatchObject({ reasonCode: 'node_start_missing', fixPath: 'package.json', overridePath: 'runtime.startCommand', profileField: 'runtime.startCommand' });
    expect(err.details.evidence).toContainEqual({ kind: 'missing', detail: 'scripts.start' });
  });

  it("yarn berry Plug'n'Play: a start through corepack yarn is supported; one that runs node directly is best-effort with yarn_pnp_best_effort", async () => {
    const berry = { ...deps, packageManager: 'yarn@4.18.1', scripts: { start: 'node server.js' } };
    const lock = '__metadata:\n  version: 8\n';
    const viaYarn = await planner.plan(request(app({ 'package.json': pkg(berry), 'yarn.lock': lock, '.yarnrc.yml': 'nodeLinker: pnp\n' })));
    expect(viaYarn).toMatchObject({ supportTier: 'supported', commands: { start: 'corepack yarn run start' } });
    expect(viaYarn.warningCodes).toBeUndefined();
    expect(viaYarn.evidence).toContainEqual({ kind: 'config', detail: '.yarnrc.yml nodeLinker pnp' });

    // No nodeLinker: berry's default is pnp.
    const direct = { runtime: { startCommand: 'node server.js' } };
    const defaultLinker = await planner.plan(request(app({ 'package.json': pkg(berry), 'yarn.lock': lock }), direct));
    expect(defaultLinker.supportTier).toBe('best-effort');
    expect(defaultLinker.warningCodes?.map((w) => w.reasonCode)).toEqual(['yarn_pnp_best_effort']);

    const nodeModules = await planner.plan(request(app({ 'package.json': pkg(berry), 'yarn.lock': lock, '.yarnrc.yml': 'nodeLinker: "node-modules"\n' }), direct));
    expect(nodeModules.supportTier).toBe('supported');
    expect(nodeModules.warningCodes).toBeUndefined();
  });

  it('explicit commands and internal port win over inference', async () => {
    const dir = app({ 'package.json': pkg({ ...deps, scripts: { build: 'tsc', start: 'PORT=9000 node a.js' } }), 'package-lock.json': '{}' });
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
    const b = nodeBuild(plan);
    expect(b).toMatchObject({ install: 'npm ci --omit=dev', start: 'node --enable-source-maps dist/main.js', port: 8080 });
    expect(b.build).toBeUndefined();
    expect(b.installFiles).toEqual(['package.json', 'package-lock.json']);
  });

  it('package.json that is not an object is plan_blocked; runtime.method node without one too', async () => {
    const err = await rejection(planner.plan(request(app({ 'package.json': '[not json' }))));
    expect(err.code).toBe('plan_blocked');
    expect(err.details).toMatchObject({ reasonCode: 'package_json_invalid', fixPath: 'package.json' });
    const missing = await rejection(planner.plan(request(app({ 'index.html': '' }), { runtime: { method: 'node' } })));
    expect(missing.details).toMatchObject({ reasonCode: 'node_package_json_missing' });
  });

  it('without a host version option, the node major is the control plane\'s own', async () => {
    const plan = await createPlanner().plan(request(app({ 'package.json': pkg({ scripts: { start: 'node a.js' } }) })));
    expect(nodeBuild(plan).node.major).toBe(Number(process.versions.node.split('.')[0]));
  });
});
