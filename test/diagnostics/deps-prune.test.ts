import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, viaProxy, waitTerminal, type DeploymentStatus } from '../support/deploy.js';
import { docker, uid, waitFor } from '../support/docker.js';
import { localServerId, removeObjectsOf } from './fixtures.js';

// Node builds' deps images (berth-deps:<key>) are Berth's build cache: runtime pruning removes
// one when no image that stays was built FROM it, and counts it in capacity. Three deploys of a
// node app with a real dependency: v1 installs ms 2.1.3 (deps image A), v2 changes the lockfile
// to ms 2.1.2 (deps image B), v3 changes only a source file (B is reused). With two rollback
// candidates kept, v1's image keeps A; with one, v1 is reclaimable and A goes with it.

const FIXTURE = join(import.meta.dirname, '../fixtures/node/express-lite');
const INSTALL_MS = 300_000;
const DEPS_KEY = 'dev.berth.deps-key';

type Counts = { containers: number; networks: number; images: number; bytes: number };
type Item = { imageId: string; refs: string[]; deploymentId: string; bytes: number; depsKey?: string };
type Prune = { counts: Counts; removed: Counts | null; failures: unknown[]; items: { images: Item[] }; kept: { images: Record<string, number> } };
type Capacity = { reclaimable: { images: { count: number; bytes: number } } };

function source(ms: '2.1.3' | '2.1.2', greeting: string): Record<string, string> {
  const files = Object.fromEntries(readdirSync(FIXTURE).map((f) => [f, readFileSync(join(FIXTURE, f), 'utf8')]));
  files['server.js'] = files['server.js']!.replace('twoDays:', `greeting: '${greeting}', twoDays:`);
  if (ms === '2.1.2') {
    const integrity = 'sha512-sGkPx+VjMtmA6MX27oA4FBFELFCZZ4S4XqeGOXCv68tT+jb3vk/RyaKWP0PTKyWtmLSM0b+adUTEvbs1PEaH2w==';
    files['package.json'] = files['package.json']!.replace('"ms": "2.1.3"', '"ms": "2.1.2"');
    const lock = JSON.parse(files['package-lock.json']!) as { packages: Record<string, Record<string, unknown>> };
    lock.packages['']!.dependencies = { ms: '2.1.2' };
    lock.packages['node_modules/ms'] = { version: '2.1.2', resolved: 'https://registry.npmjs.org/ms/-/ms-2.1.2.tgz', integrity, license: 'MIT' };
    files['package-lock.json'] = `${JSON.stringify(lock, null, 2)}\n`;
  }
  return files;
}

describe('runtime pruning of deps images', () => {
  let plane: TestControlPlane;
  let serverId: string;
  const name = `deps-prune-${uid()}`;
  const v: DeploymentStatus[] = [];
  /** The resource's deps images: tag -> the attempt that installed it and its key. */
  const depsImages = async () => {
    const images = await docker().listImages({ filters: { label: [`dev.berth.resource=${v[0]!.resourceId}`, DEPS_KEY] } });
    return images.flatMap((i) => (i.RepoTags ?? []).filter((t) => t.startsWith('berth-deps:')).map((tag) => ({ tag, id: i.Id, deployment: i.Labels['dev.berth.deployment'], key: i.Labels[DEPS_KEY] })));
  };

  beforeAll(async () => {
    // The reconciler's sweep is kept off, so only the prunes below remove anything.
    plane = await startTestControlPlane({ BERTH_RECONCILE_EVERY_MS: String(3_600_000) });
    serverId = await localServerId(plane);
    for (const [ms, greeting] of [['2.1.3', 'v1'], ['2.1.2', 'v2'], ['2.1.2', 'v3']] as const) {
      const created = await api<{ id: string }>(plane, 'POST', '/api/deployments', { name, source: { kind: 'folder', location: appDir(source(ms, greeting)) }, relink: true });
      expect(created.status).toBe(200);
      v.push(await waitTerminal(plane, created.body.id, INSTALL_MS));
    }
    expect(v.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    await waitFor('v2 retired', async () => Boolean((await plane.store.deployments.get(v[1]!.id))!.runtime?.retiredAt));
  }, INSTALL_MS * 3);
  afterAll(async () => {
    await plane?.close();
    if (v[0]) await removeObjectsOf([v[0].resourceId]);
  });

  const prune = async (body: Record<string, unknown>) => {
    const res = await api<Prune>(plane, 'POST', `/api/servers/${serverId}/prune-runtime`, body);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('a deps image stays while a kept image was built from it, and is listed, counted and removed once none is', { timeout: 120_000 }, async () => {
    const deps = await depsImages();
    expect(deps).toHaveLength(2);
    const a = deps.find((d) => d.deployment === v[0]!.id)!;
    const b = deps.find((d) => d.deployment === v[1]!.id)!;
    expect(a).toBeDefined();
    expect(b).toBeDefined();

    // Two candidates kept: v1's image stays, so does A.
    const two = await prune({ keep: 2 });
    expect(two.items.images.filter((i) => i.depsKey)).toEqual([]);
    expect(two.kept.images['deps-needed']).toBeGreaterThanOrEqual(2);

    // One kept: v1 is reclaimable, A is built into nothing that stays; B is v2's and v3's.
    const dry = await prune({ keep: 1 });
    const listed = dry.items.images.filter((i) => i.depsKey);
    expect(listed).toEqual([{ imageId: a.id, refs: [a.tag], deploymentId: v[0]!.id, untagOnly: false, bytes: expect.any(Number), depsKey: a.key }]);
    expect(listed[0]!.bytes).toBeGreaterThan(0);
    expect(dry.items.images.map((i) => i.deploymentId)).toContain(v[0]!.id);
    expect(dry.removed).toBeNull();

    const capacity = (await api<Capacity>(plane, 'GET', `/api/servers/${serverId}/capacity?keep=1`)).body;
    expect(capacity.reclaimable.images).toEqual({ count: dry.counts.images, bytes: dry.items.images.reduce((n, i) => n + i.bytes, 0) });

    const done = await prune({ keep: 1, dryRun: false });
    expect(done.failures).toEqual([]);
    expect(done.removed).toEqual(dry.counts);
    expect((await depsImages()).map((d) => d.tag)).toEqual([b.tag]);
    // What serves is untouched, and its deps image is still the cache of the next build.
    const served = await viaProxy(plane, v[2]!.accessUrl!);
    expect(served.status).toBe(200);
    expect(JSON.parse(served.body)).toMatchObject({ greeting: 'v3' });
  });
});
