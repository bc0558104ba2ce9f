import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeApp } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { deploy } from '../support/deploy.js';
import { startLoad } from '../support/load.js';

// Acceptance (issue 3): under constant HTTP load a redeploy loses no request, and a redeploy that
// fails verification keeps the old version serving — with keep-alive clients, through the proxy.
describe('zero-downtime redeploys under load', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  // Healthy versions pass as soon as they answer; the broken one fails when this runs out.
  const health = { path: '/', timeoutSeconds: 20, intervalMs: 100 };

  it('switches versions without a failed request, and a failing version never takes traffic', { timeout: 240_000 }, async () => {
    const v1 = await deploy(plane, { name: 'steady', source: { kind: 'folder', location: nodeApp({ '/': [200, 'v1'] }) }, health });
    expect(v1.status).toBe('succeeded');
    const host = new URL(v1.accessUrl!).host;

    const load = startLoad(plane.httpPort, host);
    await new Promise((r) => setTimeout(r, 500));
    const v2 = await deploy(plane, { name: 'steady', source: { kind: 'folder', location: nodeApp({ '/': [200, 'v2'] }) }, health, relink: true });
    expect(v2.status).toBe('succeeded');
    const bad = await deploy(plane, { name: 'steady', source: { kind: 'folder', location: nodeApp({ '/': [500, 'v3-broken'] }) }, health, relink: true });
    expect(bad.status).toBe('rolled-back');
    expect(bad.error?.code).toBe('health_check_failed');
    await new Promise((r) => setTimeout(r, 500));
    const report = await load.stop();

    console.log(`requests during two redeploys: ${report.ok + report.failed}, failed: ${report.failed}`);
    expect(report.failures).toEqual([]);
    expect(report.bodies.get('v1')).toBeGreaterThan(0);
    expect(report.bodies.get('v2')).toBeGreaterThan(0);
    expect(report.bodies.has('v3-broken')).toBe(false);

    // The replaced version's containers were drained and removed; the serving one runs.
    const shown = JSON.parse((await plane.client.raw('GET', `/api/resources/${v2.resourceId}`)).body);
    expect(shown.status.runtime.state).toBe('running');
    expect(shown.status.runtime.detail.deploymentId).toBe(v2.id);
    expect(shown.status.proxy.state).toBe('ready');
    expect(shown.status.accessUrl.state).toBe('ready');
    expect(shown.status.certificate.state).toBe('not-applicable');
    const v1Containers = await plane.targets.local.engine.listContainers({ 'dev.berth.deployment': v1.id });
    expect(v1Containers).toEqual([]);
  });
});
