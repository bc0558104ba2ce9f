import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SftpStateRoot } from '../../src/adapters/remote-state/sftp-state-root.js';
import { ApiClient } from '../../src/surfaces/client/api-client.js';
import { appDir, nodeApp } from '../support/apps.js';
import { FAST_ENGINE_ENV, startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy, journalOf, type DeploymentStatus } from '../support/deploy.js';
import { freePort } from '../support/ports.js';
import { nodeContainersOf, registerNode, remoteBase, type RemoteBase } from '../support/remote-server.js';
import { startServeProcess } from '../support/serve-process.js';
import { freshStore } from '../support/store.js';
import { nodeDocker, testbedMissing, testServer, type TestServer } from '../support/testbed.js';
import { connectSftp } from '../adapters/remote-state/testbed.js';

// Acceptance (issue 10): the server's state-root lock as two control planes meet it. Two homes
// deploy to one server at once: one waits, and no switch interleaves. A wait past the bound is
// infra_error / remote-state-lock with its five details. A control plane killed -9 while it
// holds the lock leaves it stale: the next deploy recovers it only after the stale window, and
// the interrupted attempt ends `interrupted` with nothing of it left on the server, its cleanup
// too taken under the lock.

const health = { path: '/', timeoutSeconds: 60, intervalMs: 100 };
const at = (iso: string) => Date.parse(iso);

describe.skipIf(testbedMissing)('the server lock between control planes (testbed node 3)', () => {
  let node: TestServer;
  let base: RemoteBase;
  const planes: TestControlPlane[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(() => {
    node = testServer(3);
    base = remoteBase(node, 'locktest');
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    for (const p of planes) await p.close().catch(() => undefined);
    await base?.remove();
  });

  async function plane(env: NodeJS.ProcessEnv = {}): Promise<TestControlPlane> {
    const p = await startTestControlPlane(env);
    planes.push(p);
    return p;
  }

  it('two control planes deploying to one server at once: one waits, no switch interleaves', { timeout: 400_000 }, async () => {
    const [a, b] = [await plane(), await plane()];
    const httpPort = await freePort();
    const stateRoot = `${base.dir}/shared`;
    await registerNode(a, node, base, { name: 'shared', stateRoot, httpPort });
    await registerNode(b, node, base, { name: 'shared', stateRoot, httpPort });
    const input = (name: string) => ({ name, source: { kind: 'folder', location: nodeApp({ '/': [200, name] }) }, health, server: 'shared' });
    const [da, db] = await Promise.all([deploy(a, input('lock-a')), deploy(b, input('lock-b'))]);
    expect(da.status).toBe('succeeded');
    expect(db.status).toBe('succeeded');
    const ja = await journalOf(a, da.id);
    const jb = await journalOf(b, db.id);
    const lockAt = (j: typeof ja) => at(j.find((e) => e.data.step === 'server-lock')!.at);
    const routeAt = (j: typeof ja) => at(j.find((e) => e.data.step === 'route')!.at);
    const endAt = (j: typeof ja) => at(j[j.length - 1]!.at);
    const [first, second] = lockAt(ja) <= lockAt(jb) ? [ja, jb] : [jb, ja];
    // The second took the lock only after the first had switched and finished; it waited for it.
    expect(lockAt(second)).toBeGreaterThanOrEqual(routeAt(first));
    expect(lockAt(second)).toBeGreaterThanOrEqual(endAt(first) - 50);
    expect(second.find((e) => e.data.step === 'server-lock')!.data.waitedMs as number).toBeGreaterThan(0);
  });

  it('a wait past the bound is infra_error in phase remote-state-lock, with the holder in its details', { timeout: 120_000 }, async () => {
    const p = await plane({ BERTH_REMOTE_LOCK_WAIT_SECONDS: '2' });
    const s = await registerNode(p, node, base, { name: 'held' });
    // Another control plane holds the lock (taken here through the server's SFTP, as one would).
    const conn = await connectSftp(node);
    cleanups.push(async () => conn.close());
    const root = new SftpStateRoot({ sftp: conn.sftp, host: node.host, port: node.port, stateRoot: s.stateRoot, owner: 'other-plane:abc', ownerHost: 'elsewhere' });
    const held = await root.acquire('dep_other');
    try {
      const d = await deploy(p, { name: 'waits-too-long', source: { kind: 'folder', location: appDir({ 'index.html': 'never' }) }, server: 'held' });
      expect(d.status).toBe('failed');
      expect(d.error).toMatchObject({ code: 'infra_error', phase: 'remote-state-lock', category: 'infra' });
      expect(d.error!.details).toMatchObject({ lockOwner: 'other-plane:abc', correlationId: 'dep_other', lockHeartbeatAt: held.lock.heartbeatAt, staleAfterSeconds: held.lock.staleAfterSeconds });
      expect(d.error!.details.waitedSeconds as number).toBeGreaterThanOrEqual(2);
      expect(await nodeContainersOf(node, d.id)).toEqual([]);
    } finally {
      await held.release();
    }
  });

  it('kill -9 of the holder: the lock is recovered only after its stale window, the attempt ends interrupted, nothing is left', { timeout: 400_000 }, async () => {
    const startedAt = Date.now();
    const staleAfterSeconds = 8;
    const store = await freshStore();
    const httpPort = await freePort();
    const stateRoot = `${base.dir}/crash`;
    const env = {
      ...FAST_ENGINE_ENV,
      BERTH_DATABASE_URL: store.databaseUrl ?? '',
      BERTH_HTTP_PORT: String(await freePort()),
      BERTH_PROXY_BOOTSTRAP: 'false',
      BERTH_STALE_AFTER_SECONDS: '3',
      BERTH_RECONCILE_EVERY_MS: '500',
      BERTH_REMOTE_LOCK_STALE_SECONDS: String(staleAfterSeconds),
    };
    const first = await startServeProcess(env, store.home);
    cleanups.push(async () => first.child.kill('SIGKILL'));
    const call = async <T>(client: ApiClient, method: string, path: string, body?: unknown) => JSON.parse((await client.raw(method, path, body === undefined ? undefined : JSON.stringify(body))).body) as T;
    const registered = await call<{ id: string; status?: number }>(first.client, 'POST', '/api/servers', {
      name: 'crashy', host: node.host, port: node.port, user: node.user, key: readFileSync(node.keyPath, 'utf8'), hostKey: node.hostKeyFingerprint, dockerSocket: node.dockerSocket, stateRoot, httpPort,
    });
    expect(registered.id).toMatch(/^srv_/);
    // An app whose health path never answers in time: the attempt holds the lock in verify.
    const slow = appDir({
      'package.json': JSON.stringify({ name: 'slow', scripts: { start: 'node server.js' } }),
      'server.js': "setTimeout(() => require('http').createServer((q, s) => s.end('late')).listen(process.env.PORT), 600000);\n",
    });
    const stuck = await call<DeploymentStatus>(first.client, 'POST', '/api/deployments', { name: 'stuck', source: { kind: 'folder', location: slow }, health: { path: '/', timeoutSeconds: 300, intervalMs: 200 }, server: 'crashy' });
    for (let i = 0; i < 600; i++) {
      if ((await call<DeploymentStatus>(first.client, 'GET', `/api/deployments/${stuck.id}`)).status === 'verifying') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await nodeContainersOf(node, stuck.id)).length).toBe(1);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    // Another control plane sees the dead holder's lock, still inside its window.
    const other = await plane({ BERTH_REMOTE_LOCK_STALE_SECONDS: String(staleAfterSeconds) });
    const s = await registerNode(other, node, base, { name: 'crashy', stateRoot, httpPort });
    const seen = await api<{ lock: { owner: string; correlationId: string; heartbeatAt: string } | null; stale: boolean }>(other, 'GET', `/api/remote-state/lock?server=crashy`);
    expect(seen.body.lock).toMatchObject({ correlationId: stuck.id });
    const lastBeat = at(seen.body.lock!.heartbeatAt);
    const d = await deploy(other, { name: 'after-crash', source: { kind: 'folder', location: appDir({ 'index.html': 'after-crash' }) }, server: 'crashy' });
    expect(d.status).toBe('succeeded');
    const lock = (await journalOf(other, d.id)).find((e) => e.data.step === 'server-lock')!;
    expect(lock.data.recoveredStale).toBe(true);
    // Not before the stale window had passed since the holder's last heartbeat.
    expect(at(lock.at)).toBeGreaterThanOrEqual(lastBeat + staleAfterSeconds * 1000);
    const work = await api<{ items: { id: string }[] }>(other, 'GET', `/api/work?kind=remote-state&serverId=${s.id}`);
    expect(work.body.items).toHaveLength(1);
    const item = await api(other, 'GET', `/api/work/${work.body.items[0]!.id}`);
    expect(item.body).toMatchObject({ kind: 'remote-state', status: 'succeeded', details: { recovered: true, lockCorrelationId: stuck.id } });
    const audit = await api<{ items: { type: string }[] }>(other, 'GET', `/api/audit-events?aggregate=${s.id}`);
    expect(audit.body.items.map((e) => e.type)).toContain('remote-state.lock-recovered');

    // The killed home comes back while another control plane holds the lock: its cleanup of the
    // dead attempt waits for the lock, as every change to the server's containers does.
    const conn = await connectSftp(node);
    cleanups.push(async () => conn.close());
    const holder = await new SftpStateRoot({ sftp: conn.sftp, host: node.host, port: node.port, stateRoot, owner: 'other-plane:held', ownerHost: 'elsewhere' }).acquire('dep_holding');
    const again = await startServeProcess(env, store.home);
    cleanups.push(async () => again.child.kill('SIGTERM'));
    const heldUntil = Date.now() + 4_000;
    while (Date.now() < heldUntil) {
      expect((await call<DeploymentStatus>(again.client, 'GET', `/api/deployments/${stuck.id}`)).status).toBe('verifying');
      await new Promise((r) => setTimeout(r, 500));
    }
    expect((await nodeContainersOf(node, stuck.id)).length).toBe(1);
    await holder.release();
    // Then its attempt ends interrupted and its container is gone from the server.
    let ended: DeploymentStatus | undefined;
    for (let i = 0; i < 300 && ended?.status !== 'interrupted'; i++) {
      ended = await call<DeploymentStatus>(again.client, 'GET', `/api/deployments/${stuck.id}`);
      if (ended.status !== 'interrupted') await new Promise((r) => setTimeout(r, 200));
    }
    expect(ended).toMatchObject({ status: 'interrupted', error: { code: 'deployment_interrupted' } });
    expect(await nodeContainersOf(node, stuck.id)).toEqual([]);
    // Nothing Berth made on the server during this test is unlabelled.
    const made = (await nodeDocker(node).listContainers({ all: true })).filter((c) => c.Created * 1000 >= startedAt - 1000);
    expect(made.filter((c) => c.Labels?.['dev.berth.managed'] !== 'true')).toEqual([]);
  });
});
