import { describe, expect, it } from 'vitest';
import { createPlanner } from '../../../src/adapters/detect/index.js';
import { STATIC_INTERNAL_PORT } from '../../../src/core/plan/base-images.js';
import { runtimeProfile } from '../../../src/core/model/profiles.js';
import { rejection } from '../sources/fs-fixtures.js';
import { app, nodeBuild, request } from './plan-fixtures.js';

// Frameworks: build-then-serve sites (output directory, SPA fallback) and Node servers (start,
// port, support tier), each with its evidence.

const planner = createPlanner({ hostNodeVersion: 'v20.19.2' });
const pkg = (deps: Record<string, string>, scripts: Record<string, string> = { build: 'x' }, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ dependencies: deps, scripts, ...extra });
const lock = { 'package-lock.json': '{}' };
const codes = (p: { warningCodes?: { reasonCode: string }[] }) => (p.warningCodes ?? []).map((w) => w.reasonCode);

describe('build-then-serve sites', () => {
  it.each([
    ['vite', { 'package.json': pkg({ vite: '^6', react: '^19' }, { dev: 'vite', build: 'vite build' }) }, 'dist', true, 'vite', 'supported'],
    ['vite outDir', { 'package.json': pkg({ vite: '^6' }, { build: 'vite build' }), 'vite.config.ts': "export default defineConfig({ plugins: [react()], build: { outDir: 'public/app/' } });\n" }, 'public/app', true, 'vite', 'supported'],
    ['vite root', { 'package.json': pkg({ vite: '^6' }, { build: 'vite build' }), 'vite.config.js': "export default { root: 'client' };\n" }, 'client/dist', true, 'vite', 'supported'],
    ['create-react-app', { 'package.json': pkg({ 'react-scripts': '5.0.1' }, { build: 'react-scripts build', start: 'react-scripts start' }) }, 'build', true, 'react-scripts', 'supported'],
    ['vue-cli', { 'package.json': pkg({ '@vue/cli-service': '^5' }), 'vue.config.js': "module.exports = { outputDir: 'www' };\n" }, 'www', true, '@vue/cli-service', 'best-effort'],
    ['docusaurus', { 'package.json': pkg({ '@docusaurus/core': '^3' }, { build: 'docusaurus build', start: 'docusaurus start' }) }, 'build', false, '@docusaurus/core', 'best-effort'],
    ['astro', { 'package.json': pkg({ astro: '^5' }), 'astro.config.mjs': "import { defineConfig } from 'astro/config';\nexport default defineConfig({});\n" }, 'dist', false, 'astro', 'best-effort'],
    ['sveltekit static', { 'package.json': pkg({ '@sveltejs/kit': '^2', '@sveltejs/adapter-static': '^3' }), 'svelte.config.js': "import adapter from '@sveltejs/adapter-static';\nexport default { kit: { adapter: adapter() } };\n" }, 'build', false, '@sveltejs/kit', 'best-effort'],
    ['sveltekit spa', { 'package.json': pkg({ '@sveltejs/kit': '^2', '@sveltejs/adapter-static': '^3' }), 'svelte.config.js': "import adapter from '@sveltejs/adapter-static';\nexport default { kit: { adapter: adapter({ pages: 'site', fallback: 'index.html' }) } };\n" }, 'site', true, '@sveltejs/kit', 'best-effort'],
    ['nuxt generate', { 'package.json': pkg({ nuxt: '^3' }, { build: 'nuxt generate' }) }, '.output/public', false, 'nuxt', 'best-effort'],
    ['next export', { 'package.json': pkg({ next: '^15', react: '^19' }, { build: 'next build', start: 'next start' }), 'next.config.mjs': "const nextConfig = { output: 'export' };\nexport default nextConfig;\n" }, 'out', false, 'next', 'supported'],
  ])('%s', async (_name, files, dir, spaFallback, dependency, tier) => {
    const plan = await planner.plan(request(app({ ...files, ...lock })));
    const b = nodeBuild(plan);
    expect(b.output).toEqual({ dir, spaFallback });
    expect(b.start).toBeUndefined();
    expect(b.port).toBe(STATIC_INTERNAL_PORT);
    expect(b.build).toBeDefined();
    expect(plan).toMatchObject({ planner: 'node', internalPort: STATIC_INTERNAL_PORT, supportTier: tier });
    expect(plan.commands.start).toBeUndefined();
    expect(plan.services[0]?.env).toBeUndefined();
    expect(plan.evidence).toContainEqual({ kind: 'dependency', detail: dependency });
    expect(plan.evidence).toContainEqual({ kind: 'framework', detail: expect.any(String) });
  });

  it('evidence names the config file a value was read from', async () => {
    const vite = await planner.plan(request(app({ 'package.json': pkg({ vite: '^6' }, { build: 'vite build' }), 'vite.config.ts': "export default { build: { outDir: 'web' } };\n" })));
    expect(vite.evidence).toContainEqual({ kind: 'config', detail: 'vite.config.ts build.outDir' });
    const next = await planner.plan(request(app({ 'package.json': pkg({ next: '15' }), 'next.config.js': "module.exports = { output: 'export' };\n" })));
    expect(next.evidence).toContainEqual({ kind: 'config', detail: 'next.config.js output export' });
  });

  it('angular: the default project\'s outputPath, with /browser for the application builder', async () => {
    const angular = (build: Record<string, unknown>) => app({
      'package.json': pkg({ '@angular/core': '^19' }, { build: 'ng build' }),
      'angular.json': JSON.stringify({ version: 1, projects: { other: { projectType: 'library' }, shop: { projectType: 'application', architect: { build } } } }),
    });
    const app17 = await planner.plan(request(angular({ builder: '@angular-devkit/build-angular:application', options: { outputPath: 'dist/shop' } })));
    expect(nodeBuild(app17).output).toEqual({ dir: 'dist/shop/browser', spaFallback: true });
    expect(app17.evidence).toContainEqual({ kind: 'config', detail: 'angular.json projects.shop.build' });
    const legacy = await planner.plan(request(angular({ builder: '@angular-devkit/build-angular:browser', options: { outputPath: 'dist/shop' } })));
    expect(nodeBuild(legacy).output?.dir).toBe('dist/shop');
    const object = await planner.plan(request(angular({ builder: '@angular/build:application', options: { outputPath: { base: 'out', browser: '' } } })));
    expect(nodeBuild(object).output?.dir).toBe('out');
    const defaulted = await planner.plan(request(angular({ builder: '@angular/build:application', options: {} })));
    expect(nodeBuild(defaulted).output?.dir).toBe('dist/shop/browser');
    const ssr = await planner.plan(request(angular({ builder: '@angular/build:application', options: { outputPath: 'dist/shop', ssr: { entry: 'src/server.ts' } } })));
    expect(nodeBuild(ssr)).toMatchObject({ start: 'node dist/shop/server/server.mjs' });
    expect(nodeBuild(ssr).output).toBeUndefined();
  });

  it('runtime.outputDirectory overrides the output directory; a package with a build and no framework becomes a site', async () => {
    const vite = await planner.plan(request(app({ 'package.json': pkg({ vite: '^6' }, { build: 'vite build' }) }), { runtime: { outputDirectory: './build/web/' } }));
    expect(nodeBuild(vite).output).toEqual({ dir: 'build/web', spaFallback: true });
    expect(vite.evidence).toContainEqual({ kind: 'explicit', detail: 'runtime.outputDirectory' });
    const plain = await planner.plan(request(app({ 'package.json': pkg({ esbuild: '^0.24' }, { build: 'node build.mjs' }) }), { runtime: { outputDirectory: 'public' } }));
    expect(nodeBuild(plain)).toMatchObject({ output: { dir: 'public', spaFallback: false }, build: 'npm run build', port: 80 });
  });

  it('runtime.outputDirectory accepts relative paths inside the source only', () => {
    expect(runtimeProfile.safeParse({ outputDirectory: 'dist/app' }).success).toBe(true);
    for (const bad of ['../dist', '/srv', 'a/../../b', '', 'x'.repeat(1025)]) expect(runtimeProfile.safeParse({ outputDirectory: bad }).success).toBe(false);
  });

  it('an explicit start command makes a site a server (outputDirectory then ignored, warned)', async () => {
    const dir = app({ 'package.json': pkg({ vite: '^6' }, { build: 'vite build' }) });
    const plan = await planner.plan(request(dir, { runtime: { startCommand: 'npx vite preview --port 4173 --host', outputDirectory: 'dist' } }));
    const b = nodeBuild(plan);
    expect(b.output).toBeUndefined();
    expect(b).toMatchObject({ start: 'npx vite preview --port 4173 --host', port: 4173, build: 'npm run build' });
    expect(codes(plan)).toContain('output_directory_ignored');
  });

  it('a site keeps port 80 over an explicit internal port, with internal_port_ignored', async () => {
    const plan = await planner.plan(request(app({ 'package.json': pkg({ 'react-scripts': '5' }) }), { network: { internalPort: 3000 } }));
    expect(plan.internalPort).toBe(80);
    expect(codes(plan)).toEqual(expect.arrayContaining(['internal_port_ignored']));
  });

  it('a framework without a build script gets its own build through the manager, also under an explicit start', async () => {
    const plan = await planner.plan(request(app({ 'package.json': pkg({ 'react-scripts': '5' }, {}) })));
    expect(nodeBuild(plan).build).toBe('npm exec -- react-scripts build');
    const served = await planner.plan(request(app({ 'package.json': pkg({ 'react-scripts': '5' }, {}) }), { runtime: { startCommand: 'npx serve -s build' } }));
    expect(nodeBuild(served)).toMatchObject({ build: 'npm exec -- react-scripts build', start: 'npx serve -s build' });
  });

  it('sveltekit with a fallback other than index.html warns spa_fallback_file', async () => {
    const plan = await planner.plan(request(app({
      'package.json': pkg({ '@sveltejs/kit': '^2', '@sveltejs/adapter-static': '^3' }),
      'svelte.config.js': "import adapter from '@sveltejs/adapter-static';\nexport default { kit: { adapter: adapter({ fallback: '200.html' }) } };\n",
    })));
    expect(nodeBuild(plan).output).toEqual({ dir: 'build', spaFallback: true });
    expect(codes(plan)).toContain('spa_fallback_file');
  });

  it('astro or sveltekit rendering through an adapter Berth cannot run is plan_blocked framework_adapter_unsupported', async () => {
    const astro = await rejection(planner.plan(request(app({
      'package.json': pkg({ astro: '^5', '@astrojs/vercel': '^8' }),
      'astro.config.mjs': "import vercel from '@astrojs/vercel';\nexport default { output: 'server', adapter: vercel() };\n",
    }))));
    expect(astro.code).toBe('plan_blocked');
    expect(astro.details).toMatchObject({ reasonCode: 'framework_adapter_unsupported', fixPath: 'astro.config.mjs' });
    const kit = await rejection(planner.plan(request(app({ 'package.json': pkg({ '@sveltejs/kit': '^2', '@sveltejs/adapter-auto': '^3' }) }))));
    expect(kit.details).toMatchObject({ reasonCode: 'framework_adapter_unsupported' });
  });
});

describe('node servers', () => {
  it('next: next start through the start script, or the manager\'s exec without one; supported', async () => {
    const script = await planner.plan(request(app({ 'package.json': pkg({ next: '^15' }, { build: 'next build', start: 'next start' }), ...lock })));
    expect(nodeBuild(script)).toMatchObject({ build: 'npm run build', start: 'npm start', port: 3000 });
    expect(script).toMatchObject({ supportTier: 'supported', services: [{ env: { PORT: '3000' } }] });
    expect(script.evidence).toContainEqual({ kind: 'framework', detail: 'next' });
    const exec = await planner.plan(request(app({ 'package.json': JSON.stringify({ dependencies: { next: '^15' }, packageManager: 'pnpm@9.12.0' }), 'pnpm-lock.yaml': '' })));
    expect(nodeBuild(exec)).toMatchObject({ build: 'corepack pnpm exec next build', start: 'corepack pnpm exec next start' });
  });

  it('next standalone: node .next/standalone/server.js, the build copies static assets beside it, HOSTNAME 0.0.0.0', async () => {
    const plan = await planner.plan(request(app({ 'package.json': pkg({ next: '^15' }, { build: 'next build', start: 'next start' }), 'next.config.ts': "const config = { output: 'standalone' };\nexport default config;\n", ...lock })));
    const b = nodeBuild(plan);
    expect(b.start).toBe('node .next/standalone/server.js');
    expect(b.build).toMatch(/^npm run build && cp -r \.next\/static \.next\/standalone\/\.next\/static/);
    expect(plan.services[0]?.env).toEqual({ PORT: '3000', HOSTNAME: '0.0.0.0' });
    expect(plan.evidence).toContainEqual({ kind: 'config', detail: 'next.config.ts output standalone' });
  });

  it.each([
    ['nuxt', { nuxt: '^3' }, { build: 'nuxt build' }, 'node .output/server/index.mjs'],
    ['remix', { '@remix-run/dev': '^2', '@remix-run/serve': '^2' }, { build: 'remix vite:build', start: 'remix-serve ./build/server/index.js' }, 'npm start'],
    ['nestjs', { '@nestjs/core': '^10' }, { build: 'nest build', start: 'nest start' }, 'node dist/main'],
    ['koa', { koa: '^2' }, { start: 'node app.js' }, 'npm start'],
    ['express', { express: '^4' }, { start: 'node server.js' }, 'npm start'],
    ['astro node adapter', { astro: '^5', '@astrojs/node': '^9' }, { build: 'astro build' }, 'node dist/server/entry.mjs'],
    ['sveltekit node adapter', { '@sveltejs/kit': '^2', '@sveltejs/adapter-node': '^5' }, { build: 'vite build' }, 'node build'],
  ])('%s', async (_name, deps, scripts, start) => {
    const files: Record<string, string> = { 'package.json': pkg(deps, scripts), ...lock };
    if (_name.startsWith('astro')) files['astro.config.mjs'] = "import node from '@astrojs/node';\nexport default { adapter: node({ mode: 'standalone' }) };\n";
    const plan = await planner.plan(request(app(files)));
    const b = nodeBuild(plan);
    expect(b).toMatchObject({ start, port: 3000 });
    expect(b.output).toBeUndefined();
    expect(plan.commands.start).toBe(start);
    expect(plan.evidence).toContainEqual({ kind: 'dependency', detail: Object.keys(deps)[0] });
    if (_name.startsWith('astro')) expect(plan.services[0]?.env).toEqual({ PORT: '3000', HOST: '0.0.0.0' });
  });

  it('vite next to a server library with a start script is the server, not a site', async () => {
    const plan = await planner.plan(request(app({ 'package.json': pkg({ express: '^4', vite: '^6' }, { build: 'vite build', start: 'node server.js' }), ...lock })));
    expect(nodeBuild(plan)).toMatchObject({ start: 'npm start', build: 'npm run build' });
    expect(nodeBuild(plan).output).toBeUndefined();
  });

  it('fastify binds 127.0.0.1 by default: server_binds_localhost unless 0.0.0.0 is visible; so does code that names localhost', async () => {
    const local = await planner.plan(request(app({ 'package.json': pkg({ fastify: '^5' }, { start: 'node server.js' }), 'server.js': "fastify.listen({ port: 3000 });\n" })));
    expect(local.warningCodes).toContainEqual({ reasonCode: 'server_binds_localhost', field: 'scripts.start', message: expect.any(String) });
    const open = await planner.plan(request(app({ 'package.json': pkg({ fastify: '^5' }, { start: 'node server.js' }), 'server.js': "fastify.listen({ port: 3000, host: '0.0.0.0' });\n" })));
    expect(codes(open)).not.toContain('server_binds_localhost');
    const express = await planner.plan(request(app({ 'package.json': pkg({ express: '^4' }, { start: 'node server.js' }), 'server.js': "app.listen(port, '127.0.0.1');\n" })));
    expect(express.warningCodes).toContainEqual({ reasonCode: 'server_binds_localhost', field: 'server.js', message: expect.any(String) });
    const cli = await planner.plan(request(app({ 'package.json': pkg({ fastify: '^5', 'fastify-cli': '^7' }, { start: 'fastify start -a 0.0.0.0 -l info app.js' }) })));
    expect(codes(cli)).not.toContain('server_binds_localhost');
  });
});
