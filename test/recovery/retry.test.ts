import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followJsonStream } from '../../src/adapters/docker/json-stream.js';
import { appDir } from '../support/apps.js';
import { ensureRegistry, REGISTRY, uid } from '../support/docker.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { deploy, viaProxy } from '../support/deploy.js';
import { call, cancel, readiness, recoverAndWait, site, startSlowBuild, steps } from './support.js';

// Acceptance (issue 4): recovery readiness is read-only and says what is allowed and why; retry
// is a new attempt from the failed attempt's immutable snapshot, refused with the codes
// readiness names.
describe('recovery readiness and retry', () => {
  let plane: TestControlPlane;
  const run = uid();
  const failingHealth = { path: '/', timeoutSeconds: 4, intervalMs: 100 };
  beforeAll(async () => {
    await ensureRegistry();
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  it('readiness reads only, and a failure that needs an input fix is not retryable', async () => {
    const d = await deploy(plane, { name: 'ready-sick', source: { kind: 'folder', location: appDir({ 'index.html': 'x', 'berth.txt': run }) }, health: { ...failingHealth, path: '/missing' } });
    expect(d.error?.code).toBe('health_check_failed');
    const before = await plane.store.countRows();
    const r = await readiness(plane, d.id);
    await readiness(plane, d.id);
    expect(await plane.store.countRows()).toEqual(before);

    expect(Date.parse(r.generatedAt)).not.toBeNaN();
    expect({ recoverable: r.recoverable, retryable: r.retryable, redeployable: r.redeployable, rollbackReady: r.rollbackReady }).toEqual({ recoverable: true, retryable: false, redeployable: true, rollbackReady: false });
    expect(r.actions.retry.reasons).toEqual(['failure-needs-fix']);
    expect(r.actions.rollback.reasons).toEqual(['no-candidate']);
    expect(r.cancelFirst).toEqual({ required: false, activeDeploymentId: null });
    expect(r.nextActions.map((a) => a.kind)).toEqual(['logs', 'diagnose', 'events', 'detail']);
    expect(r.nextActions.every((a) => a.safeByDefault && (a.command.includes(d.id) || a.command.includes(d.resourceId)))).toBe(true);

    const refused = await call(plane, 'POST', `/api/deployments/${d.id}/retry`, {});
    expect({ status: refused.status, code: refused.code, action: refused.details.action, reasons: refused.details.reasons }).toEqual({ status: 422, code: 'recovery_blocked', action: 'retry', reasons: ['failure-needs-fix'] });
    expect((await call(plane, 'GET', '/api/deployments/dep_missing/recovery-readiness')).code).toBe('deployment_not_found');
  });

  it('retries a transient failure (image not yet in the registry) from the same snapshot', async () => {
    const ref = `${REGISTRY}/berth-test/retry-${run}:1`;
    const d = await deploy(plane, { name: 'retry-pull', source: { kind: 'image', location: ref }, network: { internalPort: 80 }, health: failingHealth });
    expect({ status: d.status, code: d.error?.code }).toEqual({ status: 'failed', code: 'image_pull_failed' });
    const r = await readiness(plane, d.id);
    expect(r.retryable).toBe(true);

    // The registry catches up: push the image, then forget it locally so the retry pulls it.
    const { engine } = plane.targets.local;
    const built = await engine.build({ contextDir: site(`pulled-${run}`), dockerfile: { text: 'FROM berth/static:1\nCOPY index.html /srv/index.html\n' }, tag: `berth-test/retry-src-${run}:1`, labels: {} });
    await engine.tagImage(built.imageId, ref);
    const image = engine.docker.getImage(`${REGISTRY}/berth-test/retry-${run}`);
    await followJsonStream((await image.push({ tag: '1', authconfig: {} })) as NodeJS.ReadableStream, () => undefined);
    await engine.removeImage(ref);

    const retried = await recoverAndWait(plane, `/api/deployments/${d.id}/retry`, { readinessGeneratedAt: r.generatedAt });
    expect({ status: retried.status, trigger: retried.trigger, resourceId: retried.resourceId }).toEqual({ status: 'succeeded', trigger: 'retry', resourceId: d.resourceId });
    const [failedRow, retriedRow] = [await plane.store.deployments.get(d.id), await plane.store.deployments.get(retried.id)];
    expect(retriedRow!.sourceDeploymentId).toBe(d.id);
    expect(retriedRow!.snapshot).toEqual(failedRow!.snapshot);
    expect(await steps(plane, retried.id)).toContain('pull');
    expect((await viaProxy(plane, retried.accessUrl!)).body).toContain(`pulled-${run}`);
    // The old attempt is untouched history: still failed, same error.
    expect({ status: failedRow!.status, code: failedRow!.error?.code }).toEqual({ status: 'failed', code: 'image_pull_failed' });

    const again = await call(plane, 'POST', `/api/deployments/${retried.id}/retry`, {});
    expect({ code: again.code, reasons: again.details.reasons }).toEqual({ code: 'recovery_blocked', reasons: ['attempt-succeeded'] });
    const stale = await call(plane, 'POST', `/api/deployments/${d.id}/retry`, { readinessGeneratedAt: r.generatedAt });
    expect({ status: stale.status, code: stale.code }).toEqual({ status: 409, code: 'recovery_readiness_stale' });
    expect(Date.parse(String(stale.details.changedAt))).toBeGreaterThan(Date.parse(r.generatedAt));
    await engine.removeImage(`berth-test/retry-src-${run}:1`);
  });

  it('an active attempt must be canceled first; then the canceled attempt can be retried', async () => {
    const first = await startSlowBuild(plane, 'retry-busy', `retry-a-${run}`);
    expect((await cancel(plane, first)).body.status).toBe('canceled');
    const second = await startSlowBuild(plane, 'retry-busy', `retry-b-${run}`);

    const r = await readiness(plane, first);
    expect(r.cancelFirst).toEqual({ required: true, activeDeploymentId: second });
    expect(r.actions.retry.reasons).toEqual(['active-attempt']);
    const busy = await call(plane, 'POST', `/api/deployments/${first}/retry`, {});
    expect({ status: busy.status, code: busy.code, activeDeploymentId: busy.details.activeDeploymentId }).toEqual({ status: 409, code: 'deployment_in_progress', activeDeploymentId: second });

    expect((await cancel(plane, second)).body.status).toBe('canceled');
    const retried = await call<{ id: string; trigger: string }>(plane, 'POST', `/api/deployments/${first}/retry`, {});
    expect({ status: retried.status, trigger: retried.body.trigger }).toEqual({ status: 200, trigger: 'retry' });
    expect((await cancel(plane, retried.body.id)).body.status).toBe('canceled');
  });
});
