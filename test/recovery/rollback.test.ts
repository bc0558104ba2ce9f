import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, uid } from '../support/docker.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { deploy, viaProxy } from '../support/deploy.js';
import { call, cancel, fastHealth, readiness, recoverAndWait, site, startSlowBuild, steps, waitRetired } from './support.js';

// Acceptance (issue 4): rollback is a new attempt from a retained successful candidate that
// reuses its plan and images (no build, no pull, no re-plan), and is refused, before anything
// runs, when the candidate is unknown, serving, or lacks its image.
describe('deployments rollback', () => {
  let plane: TestControlPlane;
  const run = uid();
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  const version = (name: string, body: string) => deploy(plane, { name, source: { kind: 'folder', location: site(`${body}-${run}`) }, health: fastHealth, relink: true });
  const attempts = async (resourceId: string) => (await call<{ items: unknown[] }>(plane, 'GET', `/api/deployments?resourceId=${resourceId}&includeArchived=true`)).body.items.length;

  it('rolls back to a retained candidate by reusing its images: no build, no pull, no re-plan', async () => {
    const v1 = await version('rb-ok', 'v1');
    const v2 = await version('rb-ok', 'v2');
    expect([v1.status, v2.status]).toEqual(['succeeded', 'succeeded']);
    expect((await viaProxy(plane, v2.accessUrl!)).body).toContain(`v2-${run}`);

    const r = await readiness(plane, v2.id);
    expect(r.rollbackReady).toBe(true);
    expect(r.candidates.map((c) => [c.deploymentId, c.serving, c.ready])).toEqual([
      [v2.id, true, false],
      [v1.id, false, true],
    ]);

    const rb = await recoverAndWait(plane, `/api/deployments/${v2.id}/rollback`, { candidate: v1.id, readinessGeneratedAt: r.generatedAt });
    expect({ status: rb.status, trigger: rb.trigger, resourceId: rb.resourceId }).toEqual({ status: 'succeeded', trigger: 'rollback', resourceId: v1.resourceId });
    expect((await viaProxy(plane, rb.accessUrl!)).body).toContain(`v1-${run}`);
    const journal = await steps(plane, rb.id);
    expect(journal).toContain('reuse-artifact');
    for (const step of ['base-images', 'build', 'pull']) expect(journal).not.toContain(step);
    const shown = (await call<{ artifact: { services: { imageId: string }[] }; planner: string }>(plane, 'GET', `/api/deployments/${rb.id}`)).body;
    const v1Shown = (await call<{ artifact: { services: { imageId: string }[] }; planner: string }>(plane, 'GET', `/api/deployments/${v1.id}`)).body;
    expect(shown.artifact.services.map((s) => s.imageId)).toEqual(v1Shown.artifact.services.map((s) => s.imageId));
    expect(shown.planner).toBe(v1Shown.planner);
    // The version it replaced is retired, like after any deploy.
    await waitRetired(plane, v2.id);
  });

  it('refuses an unknown candidate, a failed attempt, the serving version, and a resource with nothing earlier', async () => {
    const only = await version('rb-only', 'only');
    const none = await call(plane, 'POST', `/api/deployments/${only.id}/rollback`, {});
    expect({ status: none.status, code: none.code, resourceId: none.details.resourceId }).toEqual({ status: 422, code: 'no_previous_revision', resourceId: only.resourceId });

    const unknown = await call(plane, 'POST', `/api/deployments/${only.id}/rollback`, { candidate: 'dep_unknown' });
    expect({ status: unknown.status, code: unknown.code, candidateId: unknown.details.candidateId }).toEqual({ status: 404, code: 'rollback_candidate_not_found', candidateId: 'dep_unknown' });

    const broken = await deploy(plane, { name: 'rb-only', source: { kind: 'folder', location: `/nonexistent/${run}` }, relink: true });
    expect(broken.status).toBe('failed');
    const failedOne = await call(plane, 'POST', `/api/deployments/${only.id}/rollback`, { candidate: broken.id });
    expect(failedOne.code).toBe('rollback_candidate_not_found');

    const serving = await call(plane, 'POST', `/api/deployments/${broken.id}/rollback`, { candidate: only.id });
    expect({ code: serving.code, reasons: serving.details.reasons }).toEqual({ code: 'recovery_blocked', reasons: ['candidate-serving'] });
    expect((await readiness(plane, broken.id)).actions.rollback).toEqual({ allowed: false, reasons: ['no-candidate'] });
  });

  it('a candidate whose image was removed is blocked with its reason before anything runs', async () => {
    const v1 = await version('rb-gone', 'v1');
    const v2 = await version('rb-gone', 'v2');
    await waitRetired(plane, v1.id);
    const v1Image = (await readiness(plane, v2.id)).candidates.find((c) => c.deploymentId === v1.id)!.images[0]!.imageId;
    await docker().getImage(v1Image).remove({ force: true });

    const r = await readiness(plane, v2.id);
    const candidate = r.candidates.find((c) => c.deploymentId === v1.id)!;
    expect({ ready: candidate.ready, missing: candidate.missing, present: candidate.images[0]!.present }).toEqual({ ready: false, missing: ['artifact'], present: false });
    expect(r.actions.rollback).toEqual({ allowed: false, reasons: ['no-ready-candidate'] });

    const before = await attempts(v2.resourceId);
    const named = await call(plane, 'POST', `/api/deployments/${v2.id}/rollback`, { candidate: v1.id });
    expect({ status: named.status, code: named.code, candidateId: named.details.candidateId, missing: named.details.missing }).toEqual({
      status: 422,
      code: 'rollback_candidate_not_ready',
      candidateId: v1.id,
      missing: ['artifact'],
    });
    const unnamed = await call(plane, 'POST', `/api/deployments/${v2.id}/rollback`, {});
    expect({ code: unnamed.code, reasons: unnamed.details.reasons }).toEqual({ code: 'recovery_blocked', reasons: ['no-ready-candidate'] });
    expect(await attempts(v2.resourceId)).toBe(before);
    expect((await viaProxy(plane, v2.accessUrl!)).body).toContain(`v2-${run}`);
  });

  it('refuses a stale readiness and an active attempt', async () => {
    const v1 = await version('rb-stale', 'v1');
    const v2 = await version('rb-stale', 'v2');
    const r = await readiness(plane, v2.id);
    await version('rb-stale', 'v3');
    const stale = await call(plane, 'POST', `/api/deployments/${v2.id}/rollback`, { candidate: v1.id, readinessGeneratedAt: r.generatedAt });
    expect({ status: stale.status, code: stale.code, readinessGeneratedAt: stale.details.readinessGeneratedAt }).toEqual({ status: 409, code: 'recovery_readiness_stale', readinessGeneratedAt: r.generatedAt });

    const slow = await startSlowBuild(plane, 'rb-stale', `rb-slow-${run}`);
    const busy = await call(plane, 'POST', `/api/deployments/${v2.id}/rollback`, { candidate: v1.id });
    expect({ status: busy.status, code: busy.code, activeDeploymentId: busy.details.activeDeploymentId }).toEqual({ status: 409, code: 'deployment_in_progress', activeDeploymentId: slow });
    expect((await cancel(plane, slow)).body.status).toBe('canceled');
  });
});
