import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/store/open-store.js';
import { SERVER_DEFAULTS, type Server } from '../../src/core/model/records.js';
import { reconcileStale } from '../../src/engine/deployments/reconciler.js';
import { DeploymentRunner, type RunnerDeps } from '../../src/engine/deployments/runner.js';
import { DEFAULT_ENGINE_SETTINGS } from '../../src/engine/deployments/settings.js';
import { createTargets } from '../../src/main/targets.js';
import type { ServeSettings } from '../../src/main/settings.js';
import type { Targets } from '../../src/ports/deploy-runtime.js';
import type { Store } from '../../src/ports/store.js';
import { freshStore } from '../support/store.js';
import { fakeEngine, fakeProber, fakeProxy, IMAGE_PLAN, imageAttempt, imageSources, runImageAttempt } from './fakes.js';

// The runner cannot get stuck or lie: an attempt whose target cannot be resolved ends terminal
// with a catalogued code and stops heartbeating; once the route switched to the new version,
// nothing that goes wrong retiring the old one touches the new one.
describe('runner lifecycle', () => {
  let store: Store;
  let home: string;
  beforeAll(async () => {
    const settings = await freshStore();
    home = settings.home;
    store = await openStore(settings);
  });
  afterAll(async () => store?.close());

  const settings = { ...DEFAULT_ENGINE_SETTINGS, workRoot: '/tmp', baseDomain: 'localhost', pollMs: 1, drainMs: 0, heartbeatMs: 20 };

  function runnerWith(targets: Targets, over: Partial<RunnerDeps> = {}) {
    return new DeploymentRunner({
      store,
      targets,
      sources: imageSources,
      planner: { plan: async () => IMAGE_PLAN },
      prober: fakeProber(() => ({ kind: 'response', status: 200 })),
      settings,
      owner: 'test',
      secrets: { resolve: async () => ({}) },
      log: () => undefined,
      ...over,
    });
  }

  const attempt = (name: string, serverId?: string, serverName?: string) =>
    imageAttempt(store, name, serverId ? { serverId, serverName: serverName! } : undefined);
  const run = (runner: DeploymentRunner, name: string) => runImageAttempt(store, runner, name);

  it('a deploy to an SSH server ends failed with server_unsupported, and its heartbeat stops', async () => {
    const server: Server = { id: 'server_ssh_1', name: 'remote-box', kind: 'ssh', host: '127.0.0.1', port: 22, user: 'root', ...SERVER_DEFAULTS, createdAt: new Date().toISOString() };
    await store.servers.create(server);
    // The control plane's real targets: forServer is what refuses the SSH server.
    const targets = createTargets({ home, httpPort: 8080, caddyBin: 'caddy' } as ServeSettings);
    const runner = runnerWith(targets);
    const d = await attempt('to-ssh', server.id, server.name);
    runner.start(d.id);
    await runner.idle();
    const ended = (await store.deployments.get(d.id))!;
    expect({ status: ended.status, code: ended.error?.code, errorPhase: ended.error?.phase, runningHere: runner.isRunningHere(d.id) }).toEqual({
      status: 'failed',
      code: 'server_unsupported',
      errorPhase: 'context-resolution',
      runningHere: false,
    });
    expect(ended.error?.details).toMatchObject({ serverId: server.id, serverKind: 'ssh' });
    expect(ended.finishedAt).not.toBeNull();
    // No heartbeat after the end: the row is not touched again.
    const beatAt = ended.heartbeatAt;
    await new Promise((r) => setTimeout(r, settings.heartbeatMs * 10));
    expect((await store.deployments.get(d.id))!.heartbeatAt).toBe(beatAt);
    // The resource is free for the next attempt (no stuck deployment_in_progress).
    await expect(attempt('to-ssh')).resolves.toMatchObject({ status: 'created' });
  });

  it('an old version that cannot be marked retired leaves the new version serving and succeeded', async () => {
    const engine = fakeEngine();
    const proxy = fakeProxy();
    const targets = { forServer: () => ({ provider: 'fake', engine, proxy, prober: fakeProber(() => ({ kind: 'response', status: 200 })), edgeHost: '127.0.0.1', prepareBaseImages: async () => undefined }) };
    const v1 = await run(runnerWith(targets), 'retire-store-fault');
    expect(v1.status).toBe('succeeded');
    // The store refuses the write that marks v1 retired (the new version is already live by then).
    const faulty = Object.create(store) as Store;
    Object.defineProperty(faulty, 'deployments', {
      value: {
        ...store.deployments,
        update: async (id: string, changes: Parameters<Store['deployments']['update']>[1]) => {
          if (id === v1.id && changes.runtime?.retiredAt) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
          return store.deployments.update(id, changes);
        },
      },
    });
    const v2 = await run(runnerWith(targets, { store: faulty }), 'retire-store-fault');
    expect({ status: v2.status, error: v2.error ?? null, retiredAt: v2.runtime?.retiredAt ?? null }).toEqual({ status: 'succeeded', error: null, retiredAt: null });
    // v2 still serves: its containers are there and the route points at it.
    const v2Containers = v2.runtime!.containers.map((c) => c.id);
    expect(engine.removed.filter((id) => v2Containers.includes(id))).toEqual([]);
    expect([...proxy.routes.values()][0]!.upstream).toBe(v2.runtime!.routedUpstream);
    const events = await store.journal.after(v2.id, 0, 500);
    expect(events.filter((e) => e.data.step === 'retire-previous').map((e) => ({ outcome: e.data.outcome, deploymentId: e.data.deploymentId }))).toEqual([{ outcome: 'retire-failed', deploymentId: v1.id }]);
    expect(events.some((e) => e.data.step === 'remove-new-containers')).toBe(false);
  });

  it('old containers the engine refuses to remove are a warning; the next deploy retires every old version', async () => {
    let refuse = true;
    const engine = fakeEngine({}, {});
    const remove = engine.remove.bind(engine);
    const proxy = fakeProxy();
    const targets = { forServer: () => ({ provider: 'fake', engine, proxy, prober: fakeProber(() => ({ kind: 'response', status: 200 })), edgeHost: '127.0.0.1', prepareBaseImages: async () => undefined }) };
    const v1 = await run(runnerWith(targets), 'retire-engine-fault');
    const v1Containers = v1.runtime!.containers.map((c) => c.id);
    engine.remove = async (id: string) => {
      if (refuse && v1Containers.includes(id)) throw Object.assign(new Error('conflict'), { code: 'docker_error' });
      return remove(id);
    };
    const v2 = await run(runnerWith(targets), 'retire-engine-fault');
    expect(v2.status).toBe('succeeded');
    expect([...proxy.routes.values()][0]!.upstream).toBe(v2.runtime!.routedUpstream);
    const warned = (await store.journal.after(v2.id, 0, 500)).filter((e) => e.data.step === 'retire-previous');
    expect(warned.map((e) => ({ outcome: e.data.outcome, deploymentId: e.data.deploymentId, containers: e.data.containers }))).toEqual([{ outcome: 'retire-failed', deploymentId: v1.id, containers: v1Containers }]);
    // v1's runtime still exists, so it is not marked retired.
    expect((await store.deployments.get(v1.id))!.runtime?.retiredAt ?? null).toBeNull();

    refuse = false;
    const v3 = await run(runnerWith(targets), 'retire-engine-fault');
    expect(v3.status).toBe('succeeded');
    const retired = (await store.journal.after(v3.id, 0, 500)).filter((e) => e.data.step === 'retire-previous');
    expect(retired.map((e) => ({ outcome: e.data.outcome ?? 'retired', deploymentId: e.data.deploymentId })).sort((a, b) => String(a.deploymentId).localeCompare(String(b.deploymentId)))).toEqual(
      [v1.id, v2.id].sort().map((id) => ({ outcome: 'retired', deploymentId: id })),
    );
    for (const id of [v1.id, v2.id]) expect((await store.deployments.get(id))!.runtime?.retiredAt).toEqual(expect.any(String));
  });

  it('the reconciler ends a stale attempt on an SSH server (nothing to account for there)', async () => {
    const server: Server = { id: 'server_ssh_2', name: 'remote-box-2', kind: 'ssh', host: '127.0.0.1', port: 22, user: 'root', ...SERVER_DEFAULTS, createdAt: new Date().toISOString() };
    await store.servers.create(server);
    const d = await attempt('stale-ssh', server.id, server.name);
    await store.deployments.update(d.id, { status: 'running', currentPhase: 'execute', heartbeatAt: new Date(Date.now() - 3_600_000).toISOString() });
    const targets = createTargets({ home, httpPort: 8080, caddyBin: 'caddy' } as ServeSettings);
    const errors: unknown[] = [];
    const ended = await reconcileStale({ store, targets, runner: runnerWith(targets), staleAfterSeconds: 60, log: (_m, err) => errors.push(err) });
    expect({ ended: ended.includes(d.id), errors }).toEqual({ ended: true, errors: [] });
    const after = (await store.deployments.get(d.id))!;
    expect({ status: after.status, code: after.error?.code }).toEqual({ status: 'interrupted', code: 'deployment_interrupted' });
  });
});
