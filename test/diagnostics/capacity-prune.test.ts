import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir } from '../support/apps.js';
import { runCli } from '../support/cli.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy, viaProxy, type DeploymentStatus } from '../support/deploy.js';
import { DockerRun, TEST_LABEL, uid, waitFor } from '../support/docker.js';
import { connectMcp } from '../support/mcp.js';
import { localServerId, removeObjectsOf } from './fixtures.js';

type Counts = { containers: number; networks: number; images: number; bytes: number };
type Prune = { dryRun: boolean; counts: Counts; removed: Counts | null; failures: unknown[]; items: { containers: { id: string }[]; networks: { name: string }[]; images: { deploymentId: string }[] }; kept: { images: Record<string, number> }; workId: string | null };
type Capacity = {
  disk: { freeBytes: number; totalBytes: number; usedBytes: number };
  inodes: { free: number; total: number };
  images: { layersBytes: number; all: { count: number; bytes: number }; berth: { count: number }; other: { count: number } };
  containers: { berth: { running: number; stopped: number }; other: number };
  buildCache: { count: number; reclaimableBytes: number; danglingImages: { count: number } };
  reclaimable: { containers: { count: number }; networks: { count: number }; images: { count: number; bytes: number }; buildCache: { prunedByBerth: boolean }; totalBytes: number };
  retention: Record<string, number>;
};

const site = (version: string) => ({ kind: 'folder', location: appDir({ 'index.html': `<p>${version}</p>` }) });

// Three good versions (v3 serves, v2 is the newest rollback candidate, v1 is older than the kept
// one) and a failed attempt (v4, rolled back). The test adds objects Berth must never remove: an
// unlabelled image and container, and a Berth-labelled container of an attempt this control
// plane does not know; and leftovers of v1 that it should remove: a stopped container, a network.
describe('server capacity and runtime pruning', () => {
  let plane: TestControlPlane;
  let serverId: string;
  const run = new DockerRun();
  const name = `keeper-${uid()}`;
  const v: DeploymentStatus[] = [];
  const imageOf = async (d: DeploymentStatus) => (await plane.store.deployments.get(d.id))!.artifact!.services[0]!;
  const exists = async (ref: string) => (await run.engine.imageId(ref)) !== undefined;
  let userImage: string;
  let userContainer: string;
  let foreignContainer: string;

  beforeAll(async () => {
    // The reconciler's periodic sweep also removes a retired attempt's leftovers: kept off, so
    // the planted v1 leftover is still there for the destructive prune to count (seen on CI).
    plane = await startTestControlPlane({ BERTH_RECONCILE_EVERY_MS: String(3_600_000) });
    serverId = await localServerId(plane);
    for (const version of ['v1', 'v2', 'v3']) v.push(await deploy(plane, { name, source: site(version), relink: true }));
    v.push(await deploy(plane, { name, source: site('v4'), health: { path: '/nope', timeoutSeconds: 3, intervalMs: 100 }, relink: true }));
    expect(v.map((d) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'rolled-back']);
    // Retiring v2 runs after v3 reports success: wait until its containers are gone.
    await waitFor('v2 retired', async () => Boolean((await plane.store.deployments.get(v[1]!.id))!.runtime?.retiredAt));

    const ctx = run.context({ Dockerfile: 'FROM berth/static:1\nRUN echo user > /user.txt\n' });
    userImage = (await run.engine.build({ contextDir: ctx, dockerfile: { path: 'Dockerfile' }, tag: run.image('user-app'), labels: {} })).tag;
    const net = await run.network();
    const d = run.engine.docker;
    userContainer = (await d.createContainer({ Image: userImage, Labels: { [TEST_LABEL]: run.id }, HostConfig: { NetworkMode: net } })).id;
    const owned = (deployment: string) => ({ 'dev.berth.managed': 'true', 'dev.berth.resource': v[0]!.resourceId, 'dev.berth.deployment': deployment, [TEST_LABEL]: run.id });
    foreignContainer = (await d.createContainer({ Image: userImage, Labels: owned(`dep_foreign${run.id}`), HostConfig: { NetworkMode: net } })).id;
    await d.createContainer({ Image: (await imageOf(v[0]!)).image, Labels: owned(v[0]!.id), HostConfig: { NetworkMode: net } });
    await run.engine.ensureNetwork(`berth-test-leftover-${run.id}`, owned(v[0]!.id));
  });
  afterAll(async () => {
    await plane?.close();
    await run.cleanup();
    if (v[0]) await removeObjectsOf([v[0].resourceId]);
  });

  const prune = async (body: Record<string, unknown>) => {
    const res = await api<Prune>(plane, 'POST', `/api/servers/${serverId}/prune-runtime`, body);
    expect(res.status).toBe(200);
    return res.body;
  };

  it('reports disk, inodes, images, build cache and what could be reclaimed', async () => {
    const { status, body } = await api<Capacity>(plane, 'GET', `/api/servers/${serverId}/capacity?keep=1`);
    expect(status).toBe(200);
    expect(body.disk.freeBytes).toBeGreaterThan(0);
    expect(body.disk.totalBytes).toBe(body.disk.freeBytes + body.disk.usedBytes);
    expect(body.inodes.total).toBeGreaterThan(body.inodes.free);
    expect(body.images.all.count).toBe(body.images.berth.count + body.images.other.count);
    expect(body.images.berth.count).toBeGreaterThanOrEqual(4);
    expect(body.images.layersBytes).toBeGreaterThan(0);
    expect(body.containers.berth.running).toBeGreaterThanOrEqual(1);
    expect(body.buildCache.count).toBeGreaterThanOrEqual(0);
    expect(body.retention).toEqual({ keepRollbackCandidates: 1, serving: 1, rollbackCandidates: 1, active: 0, reclaimableAttempts: 2 });
    expect(body.reclaimable.images.count).toBe(2);
    expect(body.reclaimable.images.bytes).toBeGreaterThanOrEqual(0);
    expect(body.reclaimable.containers.count).toBe(1);
    expect(body.reclaimable.networks.count).toBe(1);
    expect(body.reclaimable.buildCache.prunedByBerth).toBe(false);

    const missing = await api<{ error: { code: string } }>(plane, 'GET', '/api/servers/server_missing/capacity');
    expect(missing.body.error.code).toBe('server_not_found');
  });

  it('the default keeps more candidates; dry runs from HTTP and the CLI plan the same', async () => {
    const byDefault = await prune({});
    expect(byDefault.dryRun).toBe(true);
    expect(byDefault.items.images.map((i) => i.deploymentId)).toEqual([v[3]!.id]);
    const http = await prune({ keep: 1 });
    const cli = await runCli(['server', 'prune-runtime', serverId, '--keep', '1', '--json'], plane.cliEnv);
    expect(cli.code).toBe(0);
    expect(cli.json<Prune>().counts).toEqual(http.counts);
    expect(http.removed).toBeNull();
    expect(http.items.images.map((i) => i.deploymentId).sort()).toEqual([v[0]!.id, v[3]!.id].sort());
    expect(http.items.networks.map((n) => n.name)).toEqual([`berth-test-leftover-${run.id}`]);
    // A dry run removed nothing.
    expect(await exists((await imageOf(v[0]!)).image)).toBe(true);
  });

  it('the destructive run reports the dry-run counts and spares serving, candidates and what is not Berth\'s', async () => {
    const dry = await prune({ keep: 1 });
    const done = await prune({ keep: 1, dryRun: false });
    expect(done.dryRun).toBe(false);
    expect(done.counts).toEqual(dry.counts);
    expect(done.removed).toEqual(dry.counts);
    expect(done.failures).toEqual([]);
    expect(dry.workId).toBeNull();
    const work = await api<{ kind: string; status: string; serverId: string; details: Record<string, unknown> }>(plane, 'GET', `/api/work/${done.workId}`);
    expect(work.body).toMatchObject({ kind: 'runtime-prune', status: 'succeeded', serverId, details: { ...dry.counts, failures: 0 } });

    expect(await exists((await imageOf(v[0]!)).image)).toBe(false);
    expect(await exists((await imageOf(v[3]!)).image)).toBe(false);
    expect(await exists((await imageOf(v[1]!)).imageId)).toBe(true); // the kept rollback candidate
    expect(await exists((await imageOf(v[2]!)).imageId)).toBe(true); // serving
    expect(await exists(userImage)).toBe(true);
    expect(await run.engine.inspect(userContainer)).toBeDefined();
    expect(await run.engine.inspect(foreignContainer)).toBeDefined();
    const served = await viaProxy(plane, v[2]!.accessUrl!);
    expect([served.status, served.body.includes('v3')]).toEqual([200, true]);

    const again = await prune({ keep: 1 });
    expect(again.counts).toEqual({ containers: 0, networks: 0, images: 0, bytes: 0 });
    const audit = await api<{ items: { type: string }[] }>(plane, 'GET', `/api/audit-events?aggregate=${serverId}`);
    expect(audit.body.items.map((e) => e.type)).toContain('server.runtime-pruned');
  });

  it('is a destructive MCP tool; capacity is read-only', async () => {
    const mcp = await connectMcp(plane.cliEnv);
    try {
      const { tools } = await mcp.listTools();
      const tool = (n: string) => tools.find((t) => t.name === n)!.annotations;
      expect(tool('servers_prune-runtime')).toMatchObject({ destructiveHint: true, readOnlyHint: false });
      expect(tool('servers_capacity')).toMatchObject({ destructiveHint: false, readOnlyHint: true });
    } finally {
      await mcp.close();
    }
  });
});
