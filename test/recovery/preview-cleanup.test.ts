import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uid } from '../support/docker.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { deploy, viaProxy } from '../support/deploy.js';
import { startLoad } from '../support/load.js';
import { call, cancel, fastHealth, site, startSlowBuild } from './support.js';

interface Cleanup {
  preview: { type: string; id: string };
  resources: { resourceId: string; routeId: string; retiredDeployments: string[]; containers: string[] }[];
}

// Acceptance (issue 4): preview cleanup by type + id — the four checks of PRODUCT.md — with
// production answering every request of a constant load throughout.
describe('preview cleanup', () => {
  let plane: TestControlPlane;
  const run = uid();
  const pr = { type: 'pull-request', id: '42' };
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  const history = async (resourceId: string) =>
    (await call<{ items: { id: string; status: string; archivedAt: string | null }[] }>(plane, 'GET', `/api/deployments?resourceId=${resourceId}&includeArchived=true`)).body.items.map((d) => [d.id, d.status, d.archivedAt]);

  it('stops the preview, deactivates its URL, leaves production and history untouched, and the id deploys again', async () => {
    const prod = await deploy(plane, { name: 'previewed', source: { kind: 'folder', location: site(`prod-${run}`) }, health: fastHealth });
    const preview = await deploy(plane, { name: 'previewed', source: { kind: 'folder', location: site(`pr-${run}`) }, health: fastHealth, preview: pr });
    expect([prod.status, preview.status]).toEqual(['succeeded', 'succeeded']);
    expect(preview.resourceId).toBe(prod.resourceId);
    expect(preview.accessUrl).not.toBe(prod.accessUrl);
    expect((await viaProxy(plane, preview.accessUrl!)).body).toContain(`pr-${run}`);
    const historyBefore = await history(prod.resourceId);

    const load = startLoad(plane.httpPort, new URL(prod.accessUrl!).host);
    await new Promise((r) => setTimeout(r, 300));
    const cleaned = await call<Cleanup>(plane, 'POST', '/api/previews/cleanup', pr);
    await new Promise((r) => setTimeout(r, 300));
    const report = await load.stop();
    console.log(`production requests during preview cleanup: ${report.ok + report.failed}, failed: ${report.failed}`);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBeGreaterThan(0);
    expect([...report.bodies.keys()].every((b) => b.includes(`prod-${run}`))).toBe(true);

    expect(cleaned.status).toBe(200);
    expect(cleaned.body.preview).toEqual(pr);
    const [entry] = cleaned.body.resources;
    expect({ resourceId: entry!.resourceId, retired: entry!.retiredDeployments, containers: entry!.containers.length }).toEqual({ resourceId: prod.resourceId, retired: [preview.id], containers: 1 });

    // 1. The preview runtime stopped.
    expect(await plane.targets.local.engine.listContainers({ 'dev.berth.preview': 'pull-request:42', 'dev.berth.resource': prod.resourceId })).toEqual([]);
    // 2. Its access URL is no longer active: no route, and the host answers 404.
    expect(await plane.targets.local.proxy.getRoute(entry!.routeId)).toBeUndefined();
    expect((await viaProxy(plane, preview.accessUrl!)).status).toBe(404);
    // 3. Production and the history are untouched.
    expect(await viaProxy(plane, prod.accessUrl!)).toEqual({ status: 200, body: expect.stringContaining(`prod-${run}`) });
    expect(await history(prod.resourceId)).toEqual(historyBefore);
    expect((await plane.store.audit.list(prod.resourceId)).map((e) => e.type)).toContain('preview.cleaned-up');
    // 4. The same preview id can be deployed again.
    const again = await deploy(plane, { name: 'previewed', source: { kind: 'folder', location: site(`pr2-${run}`) }, health: fastHealth, preview: pr });
    expect({ status: again.status, accessUrl: again.accessUrl }).toEqual({ status: 'succeeded', accessUrl: preview.accessUrl });
    expect((await viaProxy(plane, again.accessUrl!)).body).toContain(`pr2-${run}`);
    expect(await viaProxy(plane, prod.accessUrl!)).toEqual({ status: 200, body: expect.stringContaining(`prod-${run}`) });
  });

  it('refuses an unknown preview, an unknown resource and a preview with an active attempt', async () => {
    const unknown = await call(plane, 'POST', '/api/previews/cleanup', { type: 'pull-request', id: `none-${run}` });
    expect({ status: unknown.status, code: unknown.code }).toEqual({ status: 404, code: 'preview_not_found' });
    expect((await call(plane, 'POST', '/api/previews/cleanup', { ...pr, resourceId: 'res_missing' })).code).toBe('resource_not_found');

    const busy = { type: 'branch', id: `busy-${run}` };
    const slow = await startSlowBuild(plane, 'previewed-busy', `preview-slow-${run}`, { preview: busy });
    const active = await call(plane, 'POST', '/api/previews/cleanup', busy);
    expect({ status: active.status, code: active.code, activeDeploymentId: active.details.activeDeploymentId }).toEqual({ status: 409, code: 'deployment_in_progress', activeDeploymentId: slow });
    expect((await cancel(plane, slow)).body.status).toBe('canceled');
  });
});
