import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uid } from '../support/docker.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { deploy, viaProxy } from '../support/deploy.js';
import { call, cancel, fastHealth, readiness, recoverAndWait, site, startSlowBuild } from './support.js';

// Acceptance (issue 4): relink changes what later deployments read (history and the running
// version untouched, audited); redeploy deploys the resource's current profile and is refused
// when that profile is missing, drifted or inadmissible.
describe('resource relink and deployments redeploy', () => {
  let plane: TestControlPlane;
  const run = uid();
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  const auditTypes = async (aggregateId: string) => (await plane.store.audit.list(aggregateId)).map((e) => e.type);

  it('relink changes only what later deployments read; redeploy then serves the new source', async () => {
    const oldDir = site(`old-${run}`);
    const v1 = await deploy(plane, { name: 'relinked', source: { kind: 'folder', location: oldDir }, health: fastHealth });
    expect(v1.status).toBe('succeeded');

    const newSource = { kind: 'folder', location: site(`new-${run}`) };
    const relinked = await call<{ source: unknown; previousSource: unknown }>(plane, 'POST', `/api/resources/${v1.resourceId}/relink`, { source: newSource });
    expect(relinked.status).toBe(200);
    expect({ source: relinked.body.source, previousSource: relinked.body.previousSource }).toEqual({ source: newSource, previousSource: { kind: 'folder', location: oldDir } });
    expect(await auditTypes(v1.resourceId)).toContain('resource.relinked');
    // History and the running version are untouched.
    expect((await viaProxy(plane, v1.accessUrl!)).body).toContain(`old-${run}`);
    const history = await call<{ status: string; sourceSummary: { location: string } }>(plane, 'GET', `/api/deployments/${v1.id}`);
    expect({ status: history.body.status, location: history.body.sourceSummary.location }).toEqual({ status: 'succeeded', location: oldDir });

    const r = await readiness(plane, v1.id);
    expect(r.redeployable).toBe(true);
    const v2 = await recoverAndWait(plane, `/api/resources/${v1.resourceId}/redeploy`, { readinessGeneratedAt: r.generatedAt });
    expect({ status: v2.status, trigger: v2.trigger }).toEqual({ status: 'succeeded', trigger: 'redeploy' });
    expect((await viaProxy(plane, v2.accessUrl!)).body).toContain(`new-${run}`);
    expect(await auditTypes(v2.id)).toEqual(['deployment.redeployed']);

    expect((await call(plane, 'POST', '/api/resources/res_missing/relink', { source: newSource })).code).toBe('resource_not_found');
    expect((await call(plane, 'POST', `/api/resources/${v1.resourceId}/relink`, { source: { ...newSource, extra: 1 } })).code).toBe('validation_failed');
  });

  it('refuses a resource without a source, an inadmissible profile and a drifted one', async () => {
    const bare = await call<{ id: string }>(plane, 'POST', '/api/resources', { name: `bare-${run}` });
    const missing = await call(plane, 'POST', `/api/resources/${bare.body.id}/redeploy`, {});
    expect({ status: missing.status, code: missing.code, action: missing.details.action, reasons: missing.details.reasons, fields: missing.details.fields }).toEqual({
      status: 422,
      code: 'recovery_blocked',
      action: 'redeploy',
      reasons: ['source-missing'],
      fields: ['source'],
    });

    const d = await deploy(plane, { name: 'profiled', source: { kind: 'folder', location: site(`profiled-${run}`) }, health: fastHealth });
    await call(plane, 'PATCH', `/api/resources/${d.resourceId}`, { runtime: { method: 'image' } });
    const inadmissible = await call(plane, 'POST', `/api/resources/${d.resourceId}/redeploy`, {});
    expect({ code: inadmissible.code, reasons: inadmissible.details.reasons, fields: inadmissible.details.fields }).toEqual({ code: 'recovery_blocked', reasons: ['profile-inadmissible'], fields: ['runtime.image'] });
    expect((await readiness(plane, d.id)).actions.redeploy).toEqual({ allowed: false, reasons: ['profile-inadmissible'] });

    // A row an older Berth wrote: a health path the current schema no longer admits.
    const stored = (await plane.store.resources.get(d.resourceId))!;
    await plane.store.resources.update({ ...stored, runtime: { method: 'auto' }, health: { ...stored.health, path: 'healthz' } });
    const drifted = await call(plane, 'POST', `/api/resources/${d.resourceId}/redeploy`, {});
    expect({ code: drifted.code, reasons: drifted.details.reasons, fields: drifted.details.fields }).toEqual({ code: 'recovery_blocked', reasons: ['profile-drifted'], fields: ['health'] });

    expect((await call(plane, 'POST', '/api/resources/res_missing/redeploy', {})).code).toBe('resource_not_found');
  });

  it('refuses a stale readiness and an active attempt', async () => {
    const d = await deploy(plane, { name: 'redeploy-busy', source: { kind: 'folder', location: site(`busy-${run}`) }, health: fastHealth });
    const r = await readiness(plane, d.id);
    await call(plane, 'POST', `/api/resources/${d.resourceId}/relink`, { source: { kind: 'folder', location: site(`busy2-${run}`) } });
    const stale = await call(plane, 'POST', `/api/resources/${d.resourceId}/redeploy`, { readinessGeneratedAt: r.generatedAt });
    expect({ status: stale.status, code: stale.code }).toEqual({ status: 409, code: 'recovery_readiness_stale' });

    const slow = await startSlowBuild(plane, 'redeploy-busy', `redeploy-slow-${run}`);
    const busy = await call(plane, 'POST', `/api/resources/${d.resourceId}/redeploy`, {});
    expect({ code: busy.code, activeDeploymentId: busy.details.activeDeploymentId }).toEqual({ code: 'deployment_in_progress', activeDeploymentId: slow });
    expect((await cancel(plane, slow)).body.status).toBe('canceled');
  });
});
