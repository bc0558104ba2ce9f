import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/store/open-store.js';
import { DeploymentRunner } from '../../src/engine/deployments/runner.js';
import { DEFAULT_ENGINE_SETTINGS } from '../../src/engine/deployments/settings.js';
import type { Store } from '../../src/ports/store.js';
import { freshStore } from '../support/store.js';
import { fakeEngine, fakeProber, fakeProxy, IMAGE_PLAN, imageSources, runImageAttempt } from './fakes.js';

// The runner's rollback decisions after the route switched (real store, fake target): when the
// access URL fails, the previous version gets the route back (rolled-back); when even that
// fails, the attempt ends `failed` with rollback_failed in phase rollback.
describe('runner rollback after the switch', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore(await freshStore());
  });
  afterAll(async () => store?.close());

  const run = (runner: DeploymentRunner, name: string) => runImageAttempt(store, runner, name);

  function runnerWith(proxy: ReturnType<typeof fakeProxy>, accessOk: () => boolean) {
    const engine = fakeEngine();
    // Straight to the container: healthy. Through the proxy (Host header): as the test says.
    const prober = fakeProber((_url, host) => ({ kind: 'response', status: host && !accessOk() ? 502 : 200 }));
    return new DeploymentRunner({
      store,
      targets: { forServer: () => ({ provider: 'fake', engine, proxy, prober, edgeHost: '127.0.0.1', prepareBaseImages: async () => undefined }) },
      sources: imageSources,
      planner: { plan: async () => IMAGE_PLAN },
      prober,
      settings: { ...DEFAULT_ENGINE_SETTINGS, workRoot: '/tmp', baseDomain: 'localhost', pollMs: 1, drainMs: 0 },
      owner: 'test',
      secrets: { resolve: async () => ({}) },
      log: () => undefined,
    });
  }

  it('restores the previous upstream and ends rolled-back with the access code', async () => {
    let accessOk = true;
    const proxy = fakeProxy();
    const runner = runnerWith(proxy, () => accessOk);
    const v1 = await run(runner, 'restored');
    expect(v1.error ?? null).toBeNull();
    expect(v1.status).toBe("succeeded");
    accessOk = false;
    const v2 = await run(runner, 'restored');
    expect({ status: v2.status, phase: v2.currentPhase, code: v2.error?.code, errorPhase: v2.error?.phase }).toEqual({ status: 'rolled-back', phase: 'rollback', code: 'access_url_unreachable', errorPhase: 'verify' });
    expect([...proxy.routes.values()][0]!.upstream).toBe(v1.runtime!.routedUpstream);
  }, 30_000);

  it('a previous version that cannot get its route back is rollback_failed', async () => {
    let accessOk = true;
    const proxy = fakeProxy();
    const runner = runnerWith(proxy, () => accessOk);
    const v1 = await run(runner, 'stranded');
    expect(v1.error ?? null).toBeNull();
    expect(v1.status).toBe("succeeded");
    accessOk = false;
    // The proxy now refuses the old upstream.
    const refusing = fakeProxy({ failUpstream: v1.runtime!.routedUpstream });
    for (const [k, v] of proxy.routes) refusing.routes.set(k, v);
    const v2 = await run(runnerWith(refusing, () => accessOk), 'stranded');
    expect({ status: v2.status, phase: v2.currentPhase, code: v2.error?.code, errorPhase: v2.error?.phase }).toEqual({ status: 'failed', phase: 'rollback', code: 'rollback_failed', errorPhase: 'rollback' });
    expect(v2.error?.actionability).toBe('manual-review');
  }, 30_000);
});
