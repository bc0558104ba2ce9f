import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statfsSync, writeSync, openSync, closeSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane } from '../../src/main/control-plane.js';
import { serveSettings } from '../../src/main/settings.js';
import { ApiClient } from '../../src/surfaces/client/api-client.js';
import { appDir } from '../support/apps.js';
import { FAST_ENGINE_ENV, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy, viaProxy, waitTerminal, type DeploymentStatus } from '../support/deploy.js';
import { removeRuntimeOf } from '../support/docker-objects.js';
import { docker, uid, waitFor } from '../support/docker.js';
import { TEMPLATE_PGDATA, TEST_ROOT } from '../support/paths.js';
import { freePort } from '../support/ports.js';
import { testStoreKind } from '../support/store.js';

/** Writes until the file system refuses: the disk is full. */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(256 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

// Fault: the disk under BERTH_HOME (the embedded state store, the work directory) fills up
// during a deploy. The embedded store lives in the home, so this runs on PGlite only.
describe.skipIf(testStoreKind() === 'postgres')('the state store disk full', () => {
  let mount: string;
  let home: string;
  let plane: TestControlPlane;
  let env: NodeJS.ProcessEnv;
  const open = async () => {
    const p = await startControlPlane(serveSettings(env, { listen: '127.0.0.1', port: '0' }));
    return { ...p, settings: { home }, client: new ApiClient({ url: p.url, token: p.token }), cliEnv: {}, httpPort: Number(env.BERTH_HTTP_PORT) } as TestControlPlane;
  };
  beforeAll(async () => {
    mkdirSync(TEST_ROOT, { recursive: true });
    mount = mkdtempSync(`${TEST_ROOT}/tmpfs-`);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96m', 'tmpfs', mount]);
    home = `${mount}/home`;
    cpSync(TEMPLATE_PGDATA, `${home}/pgdata`, { recursive: true });
    env = { ...FAST_ENGINE_ENV, BERTH_PROXY_BOOTSTRAP: 'false', BERTH_HTTP_PORT: String(await freePort()), BERTH_HOME: home, BERTH_DATABASE_URL: '' };
    plane = await open();
  });
  afterAll(async () => {
    const resources = (await plane?.store.resources.list().catch(() => [])) ?? [];
    await plane?.close().catch(() => undefined);
    await plane?.targets.local.proxy.stop().catch(() => undefined);
    await removeRuntimeOf(resources.map((r) => r.id));
    if (mount) execFileSync('umount', ['-l', mount]);
    rmSync(mount, { recursive: true, force: true });
  });

  it('filled mid-build: the attempt ends failed with state_store_full in execute once space is back; nothing stored is lost', async () => {
    const first = await deploy(plane, { name: 'disk-fault', source: { kind: 'folder', location: appDir({ 'index.html': 'one' }) } });
    expect(first.status).toBe('succeeded');
    const marker = uid();
    const dir = appDir({ Dockerfile: `FROM berth/static:1\nRUN sleep 4 && echo ${marker}\nCOPY index.html /srv/index.html\n`, 'index.html': 'two' });
    const created = await api<DeploymentStatus>(plane, 'POST', '/api/deployments', { name: 'disk-fault', source: { kind: 'folder', location: dir }, network: { internalPort: 80 }, relink: true });
    expect(created.status).toBe(200);
    const id = created.body.id;
    await waitFor('the build step', async () => (await docker().listContainers({ all: true })).some((c) => c.Command.includes(marker)), 90_000, 200);
    fill(`${mount}/filler`);
    expect(statfsSync(mount).bavail).toBe(0);
    // The build ends on the engine's disk; the attempt's next write (its artifact) hits the full store.
    await waitFor('the built image', () => docker().getImage(`berth/disk-fault-web:${id}`).inspect().then(() => true, () => false), 60_000, 200);
    await new Promise((r) => setTimeout(r, 1_500));
    const during = await api<DeploymentStatus>(plane, 'GET', `/api/deployments/${id}`);
    expect(during.status).toBe(200);
    expect(during.body.status).toBe('running');
    rmSync(`${mount}/filler`);

    const ended = await waitTerminal(plane, id, 90_000);
    expect({ status: ended.status, code: ended.error?.code, phase: ended.error?.phase, currentPhase: ended.currentPhase }).toEqual({
      status: 'failed',
      code: 'state_store_full',
      phase: 'execute',
      currentPhase: 'execute',
    });
    expect(ended.error!.details).toMatchObject({ backend: 'pglite' });
    expect(ended.recoveryHint).toBeTruthy();
    // The version deployed before the fault still serves.
    expect(await viaProxy(plane, first.accessUrl!)).toEqual({ status: 200, body: 'one' });

    // Nothing stored is lost: the store reopens from its disk with every attempt in it.
    const before = (await plane.store.deployments.list({})).map((d) => [d.id, d.status]).sort();
    await plane.close();
    plane = await open();
    expect((await plane.store.deployments.list({})).map((d) => [d.id, d.status]).sort()).toEqual(before);
    expect(before).toEqual(expect.arrayContaining([[first.id, 'succeeded'], [id, 'failed']]));

    const next = await deploy(plane, { name: 'disk-fault', source: { kind: 'folder', location: appDir({ 'index.html': 'three' }) }, relink: true });
    expect({ status: next.status, error: next.error ?? null }).toEqual({ status: 'succeeded', error: null });
    expect(await viaProxy(plane, next.accessUrl!)).toEqual({ status: 200, body: 'three' });
  });
});
