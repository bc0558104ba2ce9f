import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids/ids.js';
import type { Deployment } from '../../src/core/deployments/deployment.js';
import { docker, uid, waitFor } from '../support/docker.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { deploy } from '../support/deploy.js';
import { call, cancel, fastHealth, readiness, site, startSlowBuild, steps } from './support.js';

/** Containers (any state) whose command mentions the marker: a build's RUN step runs in one. */
async function buildContainers(marker: string): Promise<{ id: string; state: string }[]> {
  const all = await docker().listContainers({ all: true });
  return all.filter((c) => c.Command.includes(marker)).map((c) => ({ id: c.Id, state: c.State }));
}

// Acceptance (issue 4): cancel stops one active attempt — even mid-build — within seconds,
// leaves no container of it running, deletes nothing, and refuses wrong confirmations and
// terminal attempts. An attempt no runner here owns is ended after its containers are accounted for.
describe('deployments cancel', () => {
  let plane: TestControlPlane;
  const run = uid();
  beforeAll(async () => {
    // No reconciler tick during the test: the orphan cases below must be ended by cancel itself.
    plane = await startTestControlPlane({ BERTH_RECONCILE_EVERY_MS: '3600000' });
  });
  afterAll(async () => plane?.close());

  it('cancels an attempt in the middle of a 60 s build within seconds, leaving no container of it', async () => {
    const marker = `cancel-build-${run}`;
    const id = await startSlowBuild(plane, 'cancel-build', marker);
    await waitFor('the RUN step container', async () => (await buildContainers(marker)).some((c) => c.state === 'running'), 30_000);

    const started = Date.now();
    const res = await cancel(plane, id);
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    expect({ status: res.body.status, currentPhase: res.body.currentPhase }).toEqual({ status: 'canceled', currentPhase: 'execute' });
    console.log(`cancel during a build: answered canceled after ${elapsed} ms`);
    expect(elapsed).toBeLessThan(10_000);

    // The engine stopped the build: its RUN container is gone, and nothing of the attempt runs.
    await waitFor('the build container to go', async () => (await buildContainers(marker)).every((c) => c.state !== 'running'), 10_000);
    expect(await plane.targets.local.engine.listContainers({ 'dev.berth.deployment': id })).toEqual([]);

    // Nothing was deleted: the attempt and its journal are still there, canceled.
    const shown = await call<{ status: string; recoveryHint: string | null }>(plane, 'GET', `/api/deployments/${id}`);
    expect(shown.body.status).toBe('canceled');
    expect(await steps(plane, id)).toContain('build');
    const r = await readiness(plane, id);
    expect(r.actions.cancel).toEqual({ allowed: false, reasons: ['attempt-ended'] });
    expect(r.retryable).toBe(true);
  });

  it('refuses a wrong confirmation and a terminal attempt, and changes nothing', async () => {
    const done = await deploy(plane, { name: 'cancel-done', source: { kind: 'folder', location: site(`done-${run}`) }, health: fastHealth });
    const wrong = await cancel(plane, done.id, 'dep_other');
    expect({ status: wrong.status, code: wrong.code, field: wrong.details.field }).toEqual({ status: 400, code: 'confirmation_mismatch', field: 'confirm' });
    const terminal = await cancel(plane, done.id);
    expect({ status: terminal.status, code: terminal.code, detail: terminal.details.status }).toEqual({ status: 409, code: 'deployment_not_cancelable', detail: 'succeeded' });
    expect((await cancel(plane, 'dep_missing')).code).toBe('deployment_not_found');
    expect((await call<{ status: string }>(plane, 'GET', `/api/deployments/${done.id}`)).body.status).toBe('succeeded');
  });

  /** An attempt row as another control plane would have left it, with one labelled container. */
  async function foreignAttempt(name: string, owner: string, heartbeatAt: string): Promise<{ d: Deployment; containerId: string }> {
    const base = await deploy(plane, { name, source: { kind: 'folder', location: site(`${name}-${run}`) }, health: fastHealth });
    const template = (await plane.store.deployments.get(base.id))!;
    const id = newId('deployment');
    const d: Deployment = { ...template, id, trigger: 'redeploy', status: 'running', currentPhase: 'execute', owner, heartbeatAt, createdAt: heartbeatAt, runtime: null, finishedAt: null, accessUrl: null };
    await plane.store.deployments.create(d);
    const c = await plane.targets.local.engine.run({
      name: `berth-test-orphan-${uid()}`,
      image: template.artifact!.services[0]!.image,
      labels: { 'dev.berth.managed': 'true', 'dev.berth.resource': d.resourceId, 'dev.berth.deployment': id },
      network: template.runtime!.network,
      restartPolicy: 'no',
    });
    return { d, containerId: c.id };
  }

  it('ends an attempt whose runner died: canceled, its containers removed', async () => {
    const { d, containerId } = await foreignAttempt('cancel-orphan', 'gone@elsewhere', new Date(Date.now() - 10 * 60_000).toISOString());
    const res = await cancel(plane, d.id);
    expect(res.body.status).toBe('canceled');
    expect(await plane.targets.local.engine.inspect(containerId)).toBeUndefined();
    expect(await steps(plane, d.id)).toContain('cancel-unowned');
  });

  it('leaves an attempt a live runner elsewhere owns cancel-requested: that runner stops it on its next heartbeat', async () => {
    const { d, containerId } = await foreignAttempt('cancel-remote', 'alive@elsewhere', new Date().toISOString());
    const res = await cancel(plane, d.id);
    expect(res.body.status).toBe('cancel-requested');
    expect((await plane.targets.local.engine.inspect(containerId))?.status).toBe('running');
    await plane.targets.local.engine.remove(containerId);
  });

  it('a cancel written by another control plane reaches this runner on its heartbeat', async () => {
    const id = await startSlowBuild(plane, 'cancel-heartbeat', `cancel-hb-${run}`);
    expect(await plane.store.deployments.transition(id, ['running'], { status: 'cancel-requested' })).toBe(true);
    const ended = await waitFor('the runner to end it', async () => {
      const d = await plane.store.deployments.get(id);
      return d && d.status === 'canceled' ? d : undefined;
    }, 15_000);
    expect(ended.status).toBe('canceled');
    expect(await plane.targets.local.engine.listContainers({ 'dev.berth.deployment': id })).toEqual([]);
  });
});
