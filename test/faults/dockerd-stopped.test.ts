import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir, nodeApp } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy, viaProxy, waitTerminal, type DeploymentStatus } from '../support/deploy.js';
import { uid, waitFor } from '../support/docker.js';
import { faultDocker, faultEnginePid, killFaultEngine, removeFaultRuntimeOf, startFaultEngine, type FaultEngine } from '../support/fault-engine.js';

// Fault: the Docker engine dies mid-attempt (SIGKILL of a private dockerd, by pid). The attempt
// ends terminal with docker_error in the phase it was in, nothing it made is left running once
// the engine is back, and the next deploy succeeds.
describe('dockerd stopped during an attempt', () => {
  let engine: FaultEngine;
  let plane: TestControlPlane;
  beforeAll(async () => {
    engine = await startFaultEngine();
    // A short reconcile period: the sweep of what the engine kept through its death runs soon.
    plane = await startTestControlPlane({ DOCKER_HOST: engine.dockerHost, BERTH_RECONCILE_EVERY_MS: '500' });
  });
  afterAll(async () => {
    await startFaultEngine();
    const resources = (await plane?.store.resources.list().catch(() => [])) ?? [];
    await plane?.close();
    if (engine) await removeFaultRuntimeOf(engine, resources.map((r) => r.id));
  });

  const post = async (input: Record<string, unknown>) => {
    const created = await api<DeploymentStatus>(plane, 'POST', '/api/deployments', input);
    expect(created.status).toBe(200);
    return created.body.id;
  };
  const storedIds = async () => (await plane.store.deployments.list({})).map((d) => d.id).sort();
  const containersOf = async (deploymentId: string) =>
    faultDocker(engine).listContainers({ all: true, filters: { label: [`dev.berth.deployment=${deploymentId}`] } });

  it('during a build: docker_error in execute, failed; the next build deploys', async () => {
    const marker = uid();
    const dir = appDir({ Dockerfile: `FROM berth/static:1\nRUN sleep 60 && echo ${marker}\n` });
    const id = await post({ name: 'build-fault', source: { kind: 'folder', location: dir }, network: { internalPort: 80 } });
    // The RUN step's build container exists: the engine is mid-build.
    await waitFor('the build step', async () => (await faultDocker(engine).listContainers({ all: true })).some((c) => c.Command.includes(marker)), 90_000, 200);
    const before = await storedIds();
    const pid = faultEnginePid(engine);
    await killFaultEngine();

    const ended = await waitTerminal(plane, id, 60_000);
    expect({ status: ended.status, code: ended.error?.code, phase: ended.error?.phase, currentPhase: ended.currentPhase }).toEqual({
      status: 'failed',
      code: 'docker_error',
      phase: 'execute',
      currentPhase: 'execute',
    });
    expect(ended.error!.details.operation).toBe('build');
    expect(ended.recoveryHint).toBeTruthy();

    await startFaultEngine();
    expect(faultEnginePid(engine)).not.toBe(pid);
    expect(await storedIds()).toEqual(before);
    const next = await deploy(plane, { name: 'build-fault', source: { kind: 'folder', location: appDir({ 'index.html': 'back' }) }, relink: true });
    expect({ status: next.status, error: next.error ?? null }).toEqual({ status: 'succeeded', error: null });
    expect(next.resourceId).toBe(ended.resourceId);
    expect(await viaProxy(plane, next.accessUrl!)).toEqual({ status: 200, body: 'back' });
  });

  it('during verify: docker_error in verify, failed; its container is gone once the engine is back; the next deploy succeeds', async () => {
    const late = appDir({
      'package.json': JSON.stringify({ name: 'late', scripts: { start: 'node server.js' } }),
      'server.js': "setTimeout(() => require('http').createServer((q, s) => s.end('late')).listen(process.env.PORT), 120000);\n",
    });
    const id = await post({ name: 'verify-fault', source: { kind: 'folder', location: late }, health: { path: '/', timeoutSeconds: 120, intervalMs: 200 } });
    await waitFor('verifying', async () => (await api<DeploymentStatus>(plane, 'GET', `/api/deployments/${id}`)).body.status === 'verifying', 120_000, 200);
    const started = await containersOf(id);
    expect(started.length).toBe(1);
    const before = await storedIds();
    await killFaultEngine();

    const ended = await waitTerminal(plane, id, 60_000);
    expect({ status: ended.status, code: ended.error?.code, phase: ended.error?.phase, currentPhase: ended.currentPhase }).toEqual({
      status: 'failed',
      code: 'docker_error',
      phase: 'verify',
      currentPhase: 'verify',
    });
    expect(ended.recoveryHint).toBeTruthy();

    await startFaultEngine();
    expect(await storedIds()).toEqual(before);
    const next = await deploy(plane, {
      name: 'verify-fault',
      source: { kind: 'folder', location: nodeApp({ '/': [200, 'ok'] }) },
      health: { path: '/', timeoutSeconds: 30, intervalMs: 200 },
      relink: true,
    });
    expect({ status: next.status, error: next.error ?? null }).toEqual({ status: 'succeeded', error: null });
    expect(await viaProxy(plane, next.accessUrl!)).toEqual({ status: 200, body: 'ok' });
    // The attempt the fault ended leaves nothing on the engine once it answers again.
    await waitFor('the failed attempt removed', async () => (await containersOf(id)).length === 0, 30_000, 250);
  });
});
