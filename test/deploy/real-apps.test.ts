import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, viaProxy, waitTerminal, type DeploymentStatus } from '../support/deploy.js';
import { TEST_ROOT } from '../support/paths.js';
import type { NodeBuildPlan, Plan } from '../../src/core/plan/plan.js';

// Acceptance (issue 9): apps shaped like users' work, with real dependencies from the npm
// registry, reach a live URL, and the test checks what each one serves. The installs go through
// this machine's intercepting proxy, whose CA only the host trusts: they pass only because the
// install step is given the host's trust.

const FIXTURES = join(import.meta.dirname, '../fixtures/apps');
const INSTALL_MS = 600_000;
const HOST_MAJOR = process.versions.node.split('.')[0]!;

/** A private copy of a fixture, as a user's project folder (the fixtures themselves stay clean). */
function project(name: string, extra: Record<string, string> = {}): string {
  mkdirSync(TEST_ROOT, { recursive: true });
  const dir = mkdtempSync(join(TEST_ROOT, `${name}-`));
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  for (const [file, content] of Object.entries(extra)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), content);
  }
  return dir;
}

interface Shown extends DeploymentStatus {
  planner: string;
  plan?: Plan;
}

describe('real apps build and serve', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  async function up(name: string, dir: string): Promise<Shown> {
    const created = await api<{ id: string }>(plane, 'POST', '/api/deployments', { name, source: { kind: 'folder', location: dir } });
    expect(created.status).toBe(200);
    await waitTerminal(plane, created.body.id, INSTALL_MS);
    const shown = (await api<Shown>(plane, 'GET', `/api/deployments/${created.body.id}`)).body;
    const stored = await plane.store.deployments.get(created.body.id);
    return { ...shown, ...(stored?.plan ? { plan: stored.plan } : {}) };
  }

  async function live(name: string, dir: string): Promise<{ d: Shown; get: (path?: string) => Promise<{ status: number; body: string }> }> {
    const d = await up(name, dir);
    expect(d.error).toBeUndefined();
    expect(d.status).toBe('succeeded');
    return { d, get: (path = '/') => viaProxy(plane, d.accessUrl!, path) };
  }

  const buildOf = (d: Shown): Partial<NodeBuildPlan> | undefined => {
    const build = d.plan?.services[0]?.build;
    return build?.kind === 'node' ? build : undefined;
  };
  const steps = async (id: string) => (await plane.store.journal.after(id, 0, 1000)).filter((e) => e.kind === 'step').map((e) => e.data as Record<string, unknown>);

  it('an Express app with package-lock.json serves with its locked dependency, and a redeploy reuses the install', { timeout: INSTALL_MS * 2 }, async () => {
    const dir = project('express-npm');
    const { d, get } = await live('express-npm', dir);
    const res = await get();
    expect(res.status).toBe(200);
    const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    const served = JSON.parse(res.body) as { app: string; express: string; node: string };
    expect(served.app).toBe('express-npm');
    expect(served.express).toBe(lock.packages['node_modules/express']!.version);
    expect(served.node.startsWith(`v${HOST_MAJOR}.`)).toBe(true);
    expect(buildOf(d)).toMatchObject({ kind: 'node', packageManager: { name: 'npm' }, install: 'npm ci' });
    expect((await steps(d.id)).find((s) => s.step === 'install')?.cached).not.toBe(true);

    // The same lockfile again: the dependency layer is reused, the install does not run.
    writeFileSync(join(dir, 'server.js'), readFileSync(join(dir, 'server.js'), 'utf8').replace("app: 'express-npm'", "app: 'express-npm-v2'"));
    const again = await live('express-npm', dir);
    expect((await steps(again.d.id)).find((s) => s.step === 'install')).toMatchObject({ cached: true });
    expect(JSON.parse((await again.get()).body)).toMatchObject({ app: 'express-npm-v2' });
  });

  it('a yarn app installs with its frozen yarn.lock', { timeout: INSTALL_MS }, async () => {
    const { d, get } = await live('koa-yarn', project('koa-yarn'));
    expect(buildOf(d)?.packageManager?.name).toBe('yarn');
    const res = await get();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ app: 'koa-yarn' });
  });

  it('a yarn berry app (packageManager yarn 4, node-modules linker) installs with its immutable yarn.lock', { timeout: INSTALL_MS }, async () => {
    const dir = project('express-berry');
    const { d, get } = await live('express-berry', dir);
    const pm = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { packageManager: string };
    expect(buildOf(d)).toMatchObject({ packageManager: { name: 'yarn', version: pm.packageManager.split('@')[1], berry: true }, install: 'corepack yarn install --immutable' });
    const res = await get();
    expect(res.status).toBe(200);
    const locked = /^"express@npm:[^"]+":\n {2}version: (\S+)$/m.exec(readFileSync(join(dir, 'yarn.lock'), 'utf8'))?.[1];
    expect(locked).toMatch(/^4\./);
    expect(JSON.parse(res.body)).toMatchObject({ app: 'express-berry', express: locked });
  });

  it('a yarn berry app with Plug\'n\'Play starts through corepack yarn, which loads its .pnp.cjs', { timeout: INSTALL_MS }, async () => {
    const { d, get } = await live('express-berry-pnp', project('express-berry-pnp'));
    expect(buildOf(d)).toMatchObject({ packageManager: { name: 'yarn', berry: true }, install: 'corepack yarn install --immutable', start: 'corepack yarn run start' });
    const res = await get();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ app: 'express-berry-pnp' });
  });

  it('a pnpm app installs with the pnpm version its packageManager names', { timeout: INSTALL_MS }, async () => {
    const { d, get } = await live('fastify-pnpm', project('fastify-pnpm'));
    expect(buildOf(d)?.packageManager).toMatchObject({ name: 'pnpm', version: '9.15.9' });
    const res = await get();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ app: 'fastify-pnpm' });
  });

  it('a Vite + React app builds from its sources (dist is gitignored and stale) and serves the build with an SPA fallback', { timeout: INSTALL_MS }, async () => {
    const dir = project('vite-react', { 'dist/index.html': '<h1>STALE local build</h1>' });
    const { d, get } = await live('vite-react', dir);
    expect(buildOf(d)?.output).toEqual({ dir: 'dist', spaFallback: true });
    const home = await get();
    expect(home.status).toBe(200);
    expect(home.body).not.toContain('STALE');
    // The built page loads a hashed bundle, not the source entry the dev server would serve.
    const bundle = /src="(\/assets\/index-[\w-]+\.js)"/.exec(home.body)?.[1];
    expect(bundle).toBeDefined();
    expect(home.body).not.toContain('/src/main.jsx');
    const js = await get(bundle);
    expect(js.status).toBe(200);
    expect(js.body).toContain('count is');
    const deep = await get('/settings/profile');
    expect(deep.status).toBe(200);
    expect(deep.body).toBe(home.body);
  });

  it('a Next.js app runs with next start', { timeout: INSTALL_MS }, async () => {
    const { d, get } = await live('next-start', project('next-start'));
    expect(d.planner).toBe('node');
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body).toContain('next-start');
    expect(res.body).toMatch(new RegExp(`<p id="node">v${HOST_MAJOR}\\.`));
  });

  it('engines.node chooses the Node.js major: 18 runs on 18, 20 on 20, and one Berth cannot provide is refused', { timeout: INSTALL_MS }, async () => {
    for (const major of ['18', '20']) {
      const { d, get } = await live(`node${major}`, project(`node${major}`));
      expect(buildOf(d)?.node?.major).toBe(Number(major));
      const served = JSON.parse((await get()).body) as { node: string };
      expect(served.node.startsWith(`v${major}.`)).toBe(true);
    }
    const refused = await up('node22', project('node22'));
    expect(refused.status).toBe('failed');
    expect(refused.error).toMatchObject({ code: 'node_version_unavailable', phase: 'plan' });
  });

  it('an install against an unreachable registry is a retryable network failure that points at the provider log', { timeout: INSTALL_MS }, async () => {
    const d = await up('unreachable-registry', project('unreachable-registry'));
    expect(d.status).toBe('failed');
    expect(d.error).toMatchObject({ code: 'dependency_install_failed', phase: 'execute', category: 'infra', retryable: true });
    expect(d.error?.details).toMatchObject({ reason: 'network', packageManager: 'npm' });
    const shown = (await api<{ error: { remedies: { command?: string }[] } }>(plane, 'GET', `/api/deployments/${d.id}`)).body;
    expect(shown.error.remedies.some((r) => r.command?.includes('provider-log'))).toBe(true);
  });
});
