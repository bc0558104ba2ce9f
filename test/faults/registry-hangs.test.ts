import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBaseImages } from '../../src/adapters/docker/base-images.js';
import { createDockerEngine } from '../../src/adapters/docker/docker-engine.js';
import { STATIC_INTERNAL_PORT } from '../../src/core/plan/base-images.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { deploy, viaProxy } from '../support/deploy.js';
import { DockerRun } from '../support/docker.js';

const PULL_DEADLINE_SECONDS = 4;

// Fault: a registry that accepts connections and never answers. The engine's pull would wait on
// it indefinitely; the attempt ends at the pull step's deadline instead, in execute.
describe('a registry that hangs', () => {
  let plane: TestControlPlane;
  let registry: Server;
  const sockets = new Set<Socket>();
  let port: number;
  const run = new DockerRun();
  let present: string;
  beforeAll(async () => {
    registry = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => registry.listen(0, '127.0.0.1', r));
    port = (registry.address() as { port: number }).port;
    await ensureBaseImages(createDockerEngine(), { only: ['static'] });
    // The image the next deploy uses is on the engine already: no registry is asked for it.
    present = run.image('present');
    await run.engine.build({ contextDir: run.context({ 'index.html': 'present' }), dockerfile: { text: 'FROM berth/static:1\nCOPY index.html /srv/index.html\n' }, tag: present, labels: run.labels() });
    plane = await startTestControlPlane({ BERTH_STEP_DEADLINES: JSON.stringify({ pull: PULL_DEADLINE_SECONDS }) });
  });
  afterAll(async () => {
    await plane?.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => registry?.close(r));
    await run.cleanup();
  });

  it('the pull ends with step_deadline_exceeded in execute; nothing stored is lost; a present image deploys next', async () => {
    const before = await plane.store.deployments.list({});
    const started = Date.now();
    const hung = await deploy(plane, { name: 'hung-pull', source: { kind: 'image', location: `127.0.0.1:${port}/app:1` }, network: { internalPort: STATIC_INTERNAL_PORT } });
    const seconds = (Date.now() - started) / 1000;
    expect({ status: hung.status, code: hung.error?.code, phase: hung.error?.phase, currentPhase: hung.currentPhase }).toEqual({
      status: 'failed',
      code: 'step_deadline_exceeded',
      phase: 'execute',
      currentPhase: 'execute',
    });
    expect(hung.error!.details).toMatchObject({ step: 'pull', deadlineSeconds: PULL_DEADLINE_SECONDS });
    expect(hung.recoveryHint).toBeTruthy();
    // The engine really reached the registry and was left waiting, and the attempt did not wait on it.
    expect(sockets.size).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(PULL_DEADLINE_SECONDS + 30);
    const stored = await plane.store.deployments.list({});
    expect(stored.map((d) => d.id).sort()).toEqual([...before.map((d) => d.id), hung.id].sort());

    const next = await deploy(plane, { name: 'hung-pull', source: { kind: 'image', location: present }, network: { internalPort: STATIC_INTERNAL_PORT }, relink: true });
    expect({ status: next.status, error: next.error ?? null }).toEqual({ status: 'succeeded', error: null });
    expect(next.resourceId).toBe(hung.resourceId);
    expect(await viaProxy(plane, next.accessUrl!)).toEqual({ status: 200, body: 'present' });
  });
});
