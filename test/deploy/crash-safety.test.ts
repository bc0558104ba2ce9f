import { afterAll, describe, expect, it } from 'vitest';
import { CaddyEdgeProxy } from '../../src/adapters/proxy/caddy-edge-proxy.js';
import { createDockerEngine } from '../../src/adapters/docker/docker-engine.js';
import type { ApiClient } from '../../src/surfaces/client/api-client.js';
import { appDir } from '../support/apps.js';
import { uid } from '../support/docker.js';
import { FAST_ENGINE_ENV } from '../support/control-plane.js';
import { freePort } from '../support/ports.js';
import { startServeProcess } from '../support/serve-process.js';
import { freshStore } from '../support/store.js';

type Status = { id: string; status: string; currentPhase: string; error?: { code: string; phase: string; details: { containers: { id: string; action: string }[]; staleAfterSeconds: number } } };

const get = async (client: ApiClient, id: string) => JSON.parse((await client.raw('GET', `/api/deployments/${id}`)).body) as Status;
async function waitFor(client: ApiClient, id: string, pred: (s: Status) => boolean, timeoutMs: number): Promise<Status> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await get(client, id);
    if (pred(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting on ${id}: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Acceptance (issue 3): kill -9 of `berth serve` during execute; after restart the attempt ends
// `interrupted` with a code within the stale window, and its containers are accounted for.
describe('crash safety', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  it('attempts of a killed control plane end interrupted, with no container of theirs left', async () => {
    const store = await freshStore();
    const staleAfterSeconds = 3;
    const env = {
      ...FAST_ENGINE_ENV,
      BERTH_DATABASE_URL: store.databaseUrl ?? '',
      BERTH_HTTP_PORT: String(await freePort()),
      BERTH_PROXY_BOOTSTRAP: 'false',
      BERTH_STALE_AFTER_SECONDS: String(staleAfterSeconds),
      BERTH_RECONCILE_EVERY_MS: '500',
    };
    cleanups.push(() => new CaddyEdgeProxy({ home: store.home }).stop());
    const first = await startServeProcess(env, store.home);

    // One attempt stuck building (execute), one with a container up but not yet healthy (verify).
    // A unique step: a cached layer from an earlier run would make this build instant.
    const building = appDir({ Dockerfile: `FROM berth/static:1\nRUN sleep 60 && echo ${uid()}\n` });
    const slow = appDir({
      'package.json': JSON.stringify({ name: 'slow', scripts: { start: 'node server.js' } }),
      'server.js': "setTimeout(() => require('http').createServer((q, s) => s.end('late')).listen(process.env.PORT), 60000);\n",
    });
    const post = async (body: unknown) => JSON.parse((await first.client.raw('POST', '/api/deployments', JSON.stringify(body))).body) as Status;
    const a = await post({ name: 'building', source: { kind: 'folder', location: building }, network: { internalPort: 80 } });
    const b = await post({ name: 'verifying', source: { kind: 'folder', location: slow }, health: { path: '/', timeoutSeconds: 120, intervalMs: 200 } });
    await waitFor(first.client, a.id, (s) => s.status === 'running', 60_000);
    await waitFor(first.client, b.id, (s) => s.status === 'verifying', 60_000);
    const engine = createDockerEngine();
    const bContainers = await engine.listContainers({ 'dev.berth.deployment': b.id });
    expect(bContainers.length).toBe(1);

    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const killedAt = Date.now();

    const second = await startServeProcess(env, store.home);
    cleanups.push(async () => second.child.kill('SIGTERM'));
    const endedA = await waitFor(second.client, a.id, (s) => s.status === 'interrupted', (staleAfterSeconds + 10) * 1000);
    const endedB = await waitFor(second.client, b.id, (s) => s.status === 'interrupted', (staleAfterSeconds + 10) * 1000);
    console.log(`interrupted ${((Date.now() - killedAt) / 1000).toFixed(1)} s after kill -9 (stale window ${staleAfterSeconds} s)`);

    expect(endedA).toMatchObject({ status: 'interrupted', currentPhase: 'execute', error: { code: 'deployment_interrupted', phase: 'execute' } });
    expect(endedB).toMatchObject({ status: 'interrupted', currentPhase: 'verify', error: { code: 'deployment_interrupted' } });
    expect(endedB.error!.details.staleAfterSeconds).toBe(staleAfterSeconds);
    expect(endedB.error!.details.containers).toEqual([{ id: bContainers[0]!.id, action: 'removed' }]);
    expect(await engine.listContainers({ 'dev.berth.deployment': a.id })).toEqual([]);
    expect(await engine.listContainers({ 'dev.berth.deployment': b.id })).toEqual([]);
  });
});
