import { mkdirSync, mkdtempSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane } from '../../src/main/control-plane.js';
import { serveSettings } from '../../src/main/settings.js';
import { ApiClient } from '../../src/surfaces/client/api-client.js';
import { appDir } from '../support/apps.js';
import { FAST_ENGINE_ENV, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy, viaProxy, waitTerminal, type DeploymentStatus } from '../support/deploy.js';
import { removeRuntimeOf } from '../support/docker-objects.js';
import { docker, uid, waitFor } from '../support/docker.js';
import { faultDatabase, startFaultPostgres, stopFaultPostgres } from '../support/fault-postgres.js';
import { TEST_ROOT } from '../support/paths.js';
import { freePort } from '../support/ports.js';
import { testStoreKind } from '../support/store.js';

// Fault: the control plane's PostgreSQL restarts while an attempt runs. The attempt still ends
// terminal (completing, or failing with a stable code, never `internal`), the control plane
// reconnects on its own, nothing stored is lost, and the next deploy succeeds.
// The private server is the fault: the shared test store plays no part, so this runs once.
describe.skipIf(testStoreKind() === 'postgres')('PostgreSQL restarted during a deploy', () => {
  let plane: TestControlPlane;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const adminUrl = await startFaultPostgres();
    const db = await faultDatabase(adminUrl);
    drop = db.drop;
    mkdirSync(TEST_ROOT, { recursive: true });
    const home = mkdtempSync(`${TEST_ROOT}/home-`);
    const httpPort = await freePort();
    const env = {
      ...FAST_ENGINE_ENV,
      BERTH_PROXY_BOOTSTRAP: 'false',
      BERTH_HTTP_PORT: String(httpPort),
      BERTH_STALE_AFTER_SECONDS: '3',
      BERTH_RECONCILE_EVERY_MS: '500',
      BERTH_HOME: home,
      BERTH_DATABASE_URL: db.url,
    };
    const p = await startControlPlane(serveSettings(env, { listen: '127.0.0.1', port: '0' }));
    plane = { ...p, settings: { home, databaseUrl: db.url }, client: new ApiClient({ url: p.url, token: p.token }), cliEnv: {}, httpPort };
  });
  afterAll(async () => {
    await startFaultPostgres();
    const resources = (await plane?.store.resources.list().catch(() => [])) ?? [];
    await plane?.close();
    await plane?.targets.local.proxy.stop().catch(() => undefined);
    await removeRuntimeOf(resources.map((r) => r.id));
    await drop?.();
  });

  it('an outage mid-build: the attempt completes, the store reconnects (no crash on the dropped connections), the next deploy succeeds', async () => {
    const first = await deploy(plane, { name: 'pg-fault', source: { kind: 'folder', location: appDir({ 'index.html': 'one' }) } });
    expect(first.status).toBe('succeeded');
    const marker = uid();
    const dir = appDir({ Dockerfile: `FROM berth/static:1\nRUN sleep 6 && echo ${marker}\nCOPY index.html /srv/index.html\n`, 'index.html': 'two' });
    const created = await api<DeploymentStatus>(plane, 'POST', '/api/deployments', { name: 'pg-fault', source: { kind: 'folder', location: dir }, network: { internalPort: 80 }, relink: true });
    expect(created.status).toBe(200);
    const id = created.body.id;
    await waitFor('the build step', async () => (await docker().listContainers({ all: true })).some((c) => c.Command.includes(marker)), 90_000, 200);

    await stopFaultPostgres();
    await new Promise((r) => setTimeout(r, 2_000));
    await startFaultPostgres();

    // The outage fell inside the build, where only heartbeats and build log lines are written:
    // the attempt completes once the store is back.
    const ended = await waitTerminal(plane, id, 60_000);
    expect({ status: ended.status, error: ended.error ?? null }).toEqual({ status: 'succeeded', error: null });
    expect(await viaProxy(plane, ended.accessUrl!)).toEqual({ status: 200, body: 'two' });
    const stored = (await plane.store.deployments.list({})).map((d) => d.id);
    expect(stored).toEqual(expect.arrayContaining([first.id, id]));
    const next = await deploy(plane, { name: 'pg-fault', source: { kind: 'folder', location: appDir({ 'index.html': 'three' }) }, relink: true });
    expect({ status: next.status, error: next.error ?? null }).toEqual({ status: 'succeeded', error: null });
    expect(await viaProxy(plane, next.accessUrl!)).toEqual({ status: 200, body: 'three' });
  });

  it('an outage over the end of a build: failed with state_store_unavailable in execute once the server is back, never internal', async () => {
    const marker = uid();
    const dir = appDir({ Dockerfile: `FROM berth/static:1\nRUN sleep 2 && echo ${marker}\nCOPY index.html /srv/index.html\n`, 'index.html': 'four' });
    const created = await api<DeploymentStatus>(plane, 'POST', '/api/deployments', { name: 'pg-fault', source: { kind: 'folder', location: dir }, network: { internalPort: 80 }, relink: true });
    expect(created.status).toBe(200);
    const id = created.body.id;
    await waitFor('the build step', async () => (await docker().listContainers({ all: true })).some((c) => c.Command.includes(marker)), 90_000, 200);
    const before = (await plane.store.deployments.list({})).map((d) => d.id).sort();

    await stopFaultPostgres();
    // The build ends while the server is down: the attempt's next write is refused.
    await waitFor('the built image', () => docker().getImage(`berth/pg-fault-web:${id}`).inspect().then(() => true, () => false), 60_000, 200);
    await new Promise((r) => setTimeout(r, 1_500));
    const during = await api<{ error: { code: string } }>(plane, 'GET', `/api/deployments/${id}`);
    expect({ status: during.status, code: during.body.error.code }).toEqual({ status: 503, code: 'state_store_unavailable' });
    await startFaultPostgres();

    const ended = await waitTerminal(plane, id, 90_000);
    expect({ status: ended.status, code: ended.error?.code, phase: ended.error?.phase, currentPhase: ended.currentPhase }).toEqual({
      status: 'failed',
      code: 'state_store_unavailable',
      phase: 'execute',
      currentPhase: 'execute',
    });
    expect(ended.error!.details).toMatchObject({ backend: 'postgres' });
    expect((await plane.store.deployments.list({})).map((d) => d.id).sort()).toEqual(before);
    const next = await deploy(plane, { name: 'pg-fault', source: { kind: 'folder', location: appDir({ 'index.html': 'five' }) }, relink: true });
    expect({ status: next.status, error: next.error ?? null }).toEqual({ status: 'succeeded', error: null });
    expect(await viaProxy(plane, next.accessUrl!)).toEqual({ status: 200, body: 'five' });
  });
});
