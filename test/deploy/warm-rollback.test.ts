import { afterAll, describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/core/deployments/deployment.js';
import { newId } from '../../src/core/ids/ids.js';
import { endOrphan } from '../../src/engine/deployments/orphan.js';
import { startControlPlane, type ControlPlane } from '../../src/main/control-plane.js';
import { serveSettings } from '../../src/main/settings.js';
import { ApiClient } from '../../src/surfaces/client/api-client.js';
import { FAST_ENGINE_ENV, planesOfSuite, type TestControlPlane } from '../support/control-plane.js';
import { deploy, journalOf, viaProxy } from '../support/deploy.js';
import { removeRuntimeOf } from '../support/docker-objects.js';
import { docker, uid, waitFor } from '../support/docker.js';
import { startLoad } from '../support/load.js';
import { freePort } from '../support/ports.js';
import { freshStore } from '../support/store.js';
import { registerNode, remoteBase, viaEdge, type RemoteBase } from '../support/remote-server.js';
import { nodeDocker, testbedMissing, testServer } from '../support/testbed.js';
import { localServerId } from '../diagnostics/fixtures.js';
import { call, fastHealth, recoverAndWait, site, steps } from '../recovery/support.js';

// Acceptance (issue 13): inside BERTH_ROLLBACK_WARM_SECONDS after a deploy, the version it
// replaced keeps running, and a rollback to it takes those containers over (a route switch,
// verified like any attempt) with no failed request; a warm container that stopped or is gone
// falls back to starting one from the kept image; the window closing retires the warm version,
// also when the control plane restarted in between.

const labelled = (id: string) => docker().listContainers({ all: true, filters: { label: [`dev.berth.deployment=${id}`] } });
const warmSteps = async (plane: TestControlPlane, id: string) => (await journalOf(plane, id)).filter((e) => e.data.step === 'warm').map((e) => e.data);

describe('warm rollback', () => {
  const planes = planesOfSuite();
  const run = uid();

  it('takes the warm containers over: same container, journal step warm, the old version served with no failed request', { timeout: 180_000 }, async () => {
    // Reconciler ticks during the test: the leftover sweep must follow the handover.
    const plane = await planes({ BERTH_ROLLBACK_WARM_SECONDS: '120', BERTH_RECONCILE_EVERY_MS: '300' });
    const version = (body: string) => deploy(plane, { name: 'warm-ok', source: { kind: 'folder', location: site(`${body}-${run}`) }, health: fastHealth, relink: true });
    const v1 = await version('v1');
    const v2 = await version('v2');
    expect([v1.status, v2.status]).toEqual(['succeeded', 'succeeded']);
    await plane.runner.idle();
    // v1 was replaced but stays running, with its window in the store.
    const v1Record = (await plane.store.deployments.get(v1.id))!;
    expect(Date.parse(v1Record.runtime!.warmUntil!)).toBeGreaterThan(Date.now() + 60_000);
    expect(v1Record.runtime!.retiredAt).toBeUndefined();
    const [warmContainer] = await labelled(v1.id);
    expect(warmContainer?.State).toBe('running');
    expect((await warmSteps(plane, v2.id)).map((s) => ({ outcome: s.outcome, deploymentId: s.deploymentId }))).toEqual([{ outcome: 'kept-warm', deploymentId: v1.id }]);

    const host = new URL(v2.accessUrl!).host;
    const load = startLoad(plane.httpPort, host);
    await new Promise((r) => setTimeout(r, 300));
    const rb = await recoverAndWait(plane, `/api/deployments/${v2.id}/rollback`, { candidate: v1.id });
    await new Promise((r) => setTimeout(r, 300));
    const report = await load.stop();
    expect(report.failures).toEqual([]);
    expect(report.bodies.get(`v1-${run}`)).toBeGreaterThan(0);
    expect(rb.status).toBe('succeeded');
    expect((await viaProxy(plane, rb.accessUrl!)).body).toContain(`v1-${run}`);

    // The rollback runs v1's container itself: no container started, the same id recorded.
    expect((await warmSteps(plane, rb.id)).find((s) => s.outcome === 'taken-over')).toMatchObject({ candidateId: v1.id, containers: [warmContainer!.Id] });
    const journal = await steps(plane, rb.id);
    expect(journal).not.toContain('start');
    for (const step of ['route', 'warm']) expect(journal).toContain(step);
    const rbRecord = (await plane.store.deployments.get(rb.id))!;
    expect(rbRecord.runtime!.containers.map((c) => c.id)).toEqual([warmContainer!.Id]);
    expect(rbRecord.runtime!.routedUpstream).toMatch(/:80$/);
    const handed = (await plane.store.deployments.get(v1.id))!.runtime!;
    expect({ handedOverTo: handed.handedOverTo, retired: typeof handed.retiredAt }).toEqual({ handedOverTo: rb.id, retired: 'string' });
    // The version the rollback replaced is the warm one now.
    await plane.runner.idle();
    expect((await plane.store.deployments.get(v2.id))!.runtime!.warmUntil).toEqual(expect.any(String));
    expect((await labelled(v2.id)).map((c) => c.State)).toEqual(['running']);

    // Several reconciler ticks later the container still serves: its label names v1, whose
    // runtime is retired, but the sweep follows the handover to the rollback that owns it.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await labelled(v1.id)).map((c) => [c.Id, c.State])).toEqual([[warmContainer!.Id, 'running']]);
    expect((await viaProxy(plane, rb.accessUrl!)).body).toContain(`v1-${run}`);

    // Rolled back to again after a newer deploy, the same container changes hands once more
    // (its label still names v1). Pruning follows the handovers: with v1 archived (reclaimable),
    // its stopped container is the serving attempt's, never a prune's.
    const v3 = await version('v3');
    await plane.runner.idle();
    expect((await plane.store.deployments.get(rb.id))!.runtime!.warmUntil).toEqual(expect.any(String));
    const rb2 = await recoverAndWait(plane, `/api/deployments/${v3.id}/rollback`, { candidate: rb.id });
    expect(rb2.status).toBe('succeeded');
    expect((await viaProxy(plane, rb2.accessUrl!)).body).toContain(`v1-${run}`);
    expect((await plane.store.deployments.get(rb2.id))!.runtime!.containers.map((c) => c.id)).toEqual([warmContainer!.Id]);
    expect((await plane.store.deployments.get(rb.id))!.runtime!.handedOverTo).toBe(rb2.id);
    expect((await call(plane, 'POST', `/api/deployments/${v1.id}/archive`, { confirm: v1.id })).status).toBe(200);
    await docker().getContainer(warmContainer!.Id).stop({ t: 0 });
    const serverId = await localServerId(plane);
    const prune = await call<{ items: { containers: { id: string }[] }; kept: { containers: Record<string, number> } }>(plane, 'POST', `/api/servers/${serverId}/prune-runtime`, { keep: 1 });
    expect(prune.status).toBe(200);
    expect(prune.body.items.containers.map((c) => c.id)).not.toContain(warmContainer!.Id);
  });

  it('falls back to starting from the kept image when the warm container was stopped or removed, and the current version keeps serving meanwhile', { timeout: 240_000 }, async () => {
    const plane = await planes({ BERTH_ROLLBACK_WARM_SECONDS: '120' });
    for (const [name, breakIt, reason] of [
      ['warm-stopped', (id: string) => docker().getContainer(id).stop({ t: 0 }), 'container-stopped'],
      ['warm-gone', (id: string) => docker().getContainer(id).remove({ force: true }), 'container-gone'],
    ] as const) {
      const version = (body: string) => deploy(plane, { name, source: { kind: 'folder', location: site(`${name}-${body}-${run}`) }, health: fastHealth, relink: true });
      const v1 = await version('v1');
      const v2 = await version('v2');
      await plane.runner.idle();
      const [warmContainer] = await labelled(v1.id);
      expect(warmContainer?.State).toBe('running');
      await breakIt(warmContainer!.Id);

      const load = startLoad(plane.httpPort, new URL(v2.accessUrl!).host);
      await new Promise((r) => setTimeout(r, 300));
      const rb = await recoverAndWait(plane, `/api/deployments/${v2.id}/rollback`, { candidate: v1.id });
      const report = await load.stop();
      expect(report.failures).toEqual([]);
      expect(report.bodies.get(`${name}-v2-${run}`)).toBeGreaterThan(0);
      expect(rb.status).toBe('succeeded');
      expect((await viaProxy(plane, rb.accessUrl!)).body).toContain(`${name}-v1-${run}`);

      expect(await warmSteps(plane, rb.id)).toContainEqual(expect.objectContaining({ outcome: 'fallback', reason, candidateId: v1.id }));
      const journal = await steps(plane, rb.id);
      for (const step of ['reuse-artifact', 'start']) expect(journal).toContain(step);
      const rbContainers = (await plane.store.deployments.get(rb.id))!.runtime!.containers.map((c) => c.id);
      expect(rbContainers).toHaveLength(1);
      expect(rbContainers).not.toContain(warmContainer!.Id);
      // The broken warm version is retired by the rollback's own retirement, nothing left of it.
      await plane.runner.idle();
      const v1Runtime = (await plane.store.deployments.get(v1.id))!.runtime!;
      expect({ retired: typeof v1Runtime.retiredAt, handedOverTo: v1Runtime.handedOverTo }).toEqual({ retired: 'string', handedOverTo: undefined });
      expect(await labelled(v1.id)).toEqual([]);
    }
  });

  it('a warm container started with a secret value rotated since is not reused: the rollback starts one with the current value', { timeout: 180_000 }, async () => {
    const plane = await planes({ BERTH_ROLLBACK_WARM_SECONDS: '120' });
    const version = (body: string) => deploy(plane, { name: 'warm-secret', source: { kind: 'folder', location: site(`${body}-${run}`) }, health: fastHealth, relink: true });
    const first = await version('v1');
    const setSecret = async (value: string) => expect((await call(plane, 'POST', `/api/resources/${first.resourceId}/secrets`, { name: 'API_TOKEN', value })).status).toBe(200);
    await setSecret(`old-${run}`);
    // The secret reaches a container on the next deployment: v1 runs with the old value.
    const v1 = await version('v1');
    const v2 = await version('v2');
    await plane.runner.idle();
    const [warmContainer] = await labelled(v1.id);
    expect(warmContainer?.State).toBe('running');
    await setSecret(`new-${run}`);

    const rb = await recoverAndWait(plane, `/api/deployments/${v2.id}/rollback`, { candidate: v1.id });
    expect(rb.status).toBe('succeeded');
    expect(await warmSteps(plane, rb.id)).toContainEqual(expect.objectContaining({ outcome: 'fallback', reason: 'environment-changed', candidateId: v1.id }));
    const [started] = (await plane.store.deployments.get(rb.id))!.runtime!.containers;
    expect(started!.id).not.toBe(warmContainer!.Id);
    const env = (await docker().getContainer(started!.id).inspect()).Config.Env;
    expect(env).toContain(`API_TOKEN=new-${run}`);
    expect((await viaProxy(plane, rb.accessUrl!)).body).toContain(`v1-${run}`);
  });

  it('a rollback that died right after taking the warm containers over: the reconciler accounts for them as its own', { timeout: 120_000 }, async () => {
    const plane = await planes({ BERTH_ROLLBACK_WARM_SECONDS: '120' });
    const version = (body: string) => deploy(plane, { name: 'warm-orphan', source: { kind: 'folder', location: site(`${body}-${run}`) }, health: fastHealth, relink: true });
    const v1 = await version('v1');
    const v2 = await version('v2');
    await plane.runner.idle();
    const [warmContainer] = await labelled(v1.id);
    expect(warmContainer?.State).toBe('running');
    // The state a control plane leaves when it dies between the handover and the rollback's own
    // record: v1 handed over, the rollback running (stale) with no runtime of its own yet.
    const candidate = (await plane.store.deployments.get(v1.id))!;
    const serving = (await plane.store.deployments.get(v2.id))!;
    const rollbackId = newId('deployment');
    const stale = new Date(Date.now() - 600_000).toISOString();
    await plane.store.deployments.create({
      ...serving,
      id: rollbackId,
      trigger: 'rollback',
      status: 'running',
      currentPhase: 'execute',
      snapshot: { ...candidate.snapshot, rollback: { candidateId: v1.id, fromDeploymentId: v2.id, plan: candidate.plan!, artifact: candidate.artifact!, sourceSummary: candidate.sourceSummary } },
      sourceDeploymentId: v1.id,
      runtime: null,
      accessUrl: null,
      heartbeatAt: stale,
      createdAt: stale,
      finishedAt: null,
    });
    expect(await plane.store.deployments.releaseRuntime(v1.id, { ...candidate.runtime!, retiredAt: new Date().toISOString(), handedOverTo: rollbackId })).toBe(true);

    const ended = await endOrphan(plane.store, plane.targets, (await plane.store.deployments.get(rollbackId))!, () => null);
    expect(ended).toBe(true);
    const events = await journalOf(plane, rollbackId);
    expect(events.find((e) => e.data.step === 'reconcile')?.data.containers).toEqual([{ id: warmContainer!.Id, action: 'removed' }]);
    expect(await labelled(v1.id)).toEqual([]);
    const networks = await docker().listNetworks({ filters: { name: [candidate.runtime!.network] } });
    expect(networks.filter((n) => n.Name === candidate.runtime!.network)).toEqual([]);
    // The version serving was not touched.
    expect((await viaProxy(plane, v2.accessUrl!)).body).toContain(`v2-${run}`);
  });

  describe('the window closing', () => {
    const started: ControlPlane[] = [];
    const resources: string[] = [];
    afterAll(async () => {
      for (const p of started) await p.close().catch(() => undefined);
      await started[0]?.targets.local.proxy.stop().catch(() => undefined);
      await removeRuntimeOf(resources);
    });

    it('retires the warm version through the reconciler, from the deadline in the store, after a restart of the control plane', { timeout: 180_000 }, async () => {
      const store = await freshStore();
      const env = {
        ...FAST_ENGINE_ENV,
        BERTH_PROXY_BOOTSTRAP: 'false',
        BERTH_HTTP_PORT: String(await freePort()),
        BERTH_HOME: store.home,
        BERTH_DATABASE_URL: store.databaseUrl ?? '',
        BERTH_ROLLBACK_WARM_SECONDS: '10',
        BERTH_RECONCILE_EVERY_MS: '300',
      };
      const start = async () => {
        const p = await startControlPlane(serveSettings(env, { listen: '127.0.0.1', port: '0' }));
        started.push(p);
        return { ...p, client: new ApiClient({ url: p.url, token: p.token }), httpPort: Number(env.BERTH_HTTP_PORT) } as unknown as TestControlPlane;
      };
      const first = await start();
      const version = (body: string) => deploy(first, { name: 'warm-expiry', source: { kind: 'folder', location: site(`${body}-${run}`) }, health: fastHealth, relink: true });
      const v1 = await version('v1');
      const v2 = await version('v2');
      resources.push(v1.resourceId);
      await first.runner.idle();
      const warmUntil = Date.parse((await first.store.deployments.get(v1.id))!.runtime!.warmUntil!);
      const [warmContainer] = await labelled(v1.id);
      expect(warmContainer?.State).toBe('running');
      // Closed inside the window: whatever retires v1 now is the next control plane's reconciler.
      await first.close();
      expect(warmUntil).toBeGreaterThan(Date.now());

      const second = await start();
      const retired = await waitFor('v1 retired', async () => {
        const d: Deployment | undefined = await second.store.deployments.get(v1.id);
        return d?.runtime?.retiredAt ? d : undefined;
      }, 30_000);
      expect(Date.parse(retired.runtime!.retiredAt!)).toBeGreaterThanOrEqual(warmUntil);
      expect(retired.runtime!.handedOverTo).toBeUndefined();
      // Marked retired first, then taken down (a stop with its grace period).
      await waitFor('v1 containers removed', async () => (await labelled(v1.id)).length === 0, 30_000);
      // The version serving was never touched.
      expect((await labelled(v2.id)).map((c) => c.State)).toEqual(['running']);
      expect((await viaProxy(second, v2.accessUrl!)).body).toContain(`v2-${run}`);
    });
  });

  // An SSH server's engine is the same port: the same takeover, over the forwarded socket.
  describe.skipIf(testbedMissing)('on an SSH server (testbed node 3)', () => {
    let base: RemoteBase | undefined;
    const resources: string[] = [];
    afterAll(async () => {
      const engine = nodeDocker(testServer(3));
      for (const id of resources) {
        for (const c of await engine.listContainers({ all: true, filters: { label: [`dev.berth.resource=${id}`] } })) await engine.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      }
      await base?.remove();
    });

    it('a rollback inside the window takes the server\'s warm container over, with no failed request at its edge', { timeout: 400_000 }, async () => {
      const node = testServer(3);
      const plane = await planes({ BERTH_ROLLBACK_WARM_SECONDS: '120' });
      base = remoteBase(node, 'warmtest');
      const server = await registerNode(plane, node, base, { name: 'vps-warm' });
      const version = (body: string) => deploy(plane, { name: 'remote-warm', server: 'vps-warm', source: { kind: 'folder', location: site(`${body}-${run}`) }, health: fastHealth, relink: true });
      const v1 = await version('v1');
      const v2 = await version('v2');
      resources.push(v1.resourceId);
      expect([v1.status, v2.status]).toEqual(['succeeded', 'succeeded']);
      await plane.runner.idle();
      const onNode = async (id: string) => nodeDocker(node).listContainers({ all: true, filters: { label: [`dev.berth.deployment=${id}`] } });
      const [warmContainer] = await onNode(v1.id);
      expect(warmContainer?.State).toBe('running');

      const host = new URL(v2.accessUrl!).host;
      const load = startLoad(server.httpPort, host, 4, node.host);
      await new Promise((r) => setTimeout(r, 300));
      const rb = await recoverAndWait(plane, `/api/deployments/${v2.id}/rollback`, { candidate: v1.id });
      await new Promise((r) => setTimeout(r, 300));
      const report = await load.stop();
      expect(report.failures).toEqual([]);
      expect(rb.status).toBe('succeeded');
      expect((await viaEdge(node, server.httpPort, rb.accessUrl!)).body).toContain(`v1-${run}`);
      expect((await warmSteps(plane, rb.id)).find((s) => s.outcome === 'taken-over')).toMatchObject({ candidateId: v1.id, containers: [warmContainer!.Id] });
      expect((await plane.store.deployments.get(rb.id))!.runtime!.containers.map((c) => c.id)).toEqual([warmContainer!.Id]);
      await plane.runner.idle();
      // On the server: v1's container serves for the rollback, v2 is the warm one now.
      expect((await onNode(v1.id)).map((c) => [c.Id, c.State])).toEqual([[warmContainer!.Id, 'running']]);
      expect((await onNode(v2.id)).map((c) => c.State)).toEqual(['running']);
    });
  });
});
