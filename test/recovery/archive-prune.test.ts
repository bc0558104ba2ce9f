import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uid } from '../support/docker.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { deploy, viaProxy, type DeploymentStatus } from '../support/deploy.js';
import { call, cancel, fastHealth, recoverAndWait, site, startSlowBuild, waitRetired } from './support.js';

interface PruneReport {
  dryRun: boolean;
  deployments: number;
  journalEvents: number;
  deploymentIds: string[];
  retained: { id: string; reasons: string[] }[];
  workId: string | null;
}

// Acceptance (issue 4): archive hides a terminal attempt and deletes nothing; prune is dry-run
// unless dryRun is false, reports the same counts both ways, and deletes only archived terminal
// attempts older than the cutoff that nothing retained refers to.
describe('deployments archive and prune', () => {
  let plane: TestControlPlane;
  const run = uid();
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  const archive = (id: string, confirm = id) => call<DeploymentStatus & { archivedAt: string | null }>(plane, 'POST', `/api/deployments/${id}/archive`, { confirm });
  const listed = async (resourceId: string, includeArchived: boolean) =>
    (await call<{ items: { id: string }[] }>(plane, 'GET', `/api/deployments?resourceId=${resourceId}&includeArchived=${includeArchived}`)).body.items.map((d) => d.id);
  const rows = async () => {
    const counts = await plane.store.countRows();
    return { deployments: counts.deployments ?? 0, deployment_events: counts.deployment_events ?? 0 };
  };

  it('archives terminal attempts without deleting anything, and prunes only what nothing needs', async () => {
    const s1 = await deploy(plane, { name: 'pruned', source: { kind: 'folder', location: site(`s1-${run}`) }, health: fastHealth });
    const s2 = await deploy(plane, { name: 'pruned', source: { kind: 'folder', location: site(`s2-${run}`) }, health: fastHealth, relink: true });
    const f1 = await deploy(plane, { name: 'pruned', source: { kind: 'folder', location: `/nonexistent/${run}` }, relink: true });
    await waitRetired(plane, s1.id);
    const r1 = await recoverAndWait(plane, `/api/deployments/${f1.id}/rollback`, { candidate: s1.id });
    await waitRetired(plane, s2.id);
    const f2 = await deploy(plane, { name: 'pruned', source: { kind: 'folder', location: `/nonexistent/${run}-2` }, relink: true });
    expect([s1.status, s2.status, f1.status, r1.status, f2.status]).toEqual(['succeeded', 'succeeded', 'failed', 'succeeded', 'failed']);

    // Archive: hidden from the default list, nothing deleted, the serving version untouched.
    await plane.runner.idle(); // the runners' last journal lines (retire-previous) are written
    const before = await rows();
    for (const d of [s1, s2, f1, r1]) expect((await archive(d.id)).body.archivedAt).not.toBeNull();
    expect(await rows()).toEqual(before);
    expect(await listed(s1.resourceId, false)).toEqual([f2.id]);
    expect((await listed(s1.resourceId, true)).sort()).toEqual([s1.id, s2.id, f1.id, r1.id, f2.id].sort());
    expect((await viaProxy(plane, r1.accessUrl!)).body).toContain(`s1-${run}`);
    expect((await plane.store.audit.list(f1.id)).map((e) => e.type)).toContain('deployment.archived');

    // Prune: a dry run by default; the real run reports exactly the same.
    const cutoff = new Date(Date.now() + 60_000).toISOString();
    // The builds' provider job logs keep their attempts until those logs are pruned themselves.
    const withLogs = await call<PruneReport>(plane, 'POST', '/api/deployments/prune', { before: cutoff });
    expect(withLogs.body.retained.find((r) => r.id === s1.id)?.reasons).toEqual(['provider-log']);
    expect((await call(plane, 'POST', '/api/provider-job-logs/prune', { before: cutoff, dryRun: false })).status).toBe(200);
    const dry = await call<PruneReport>(plane, 'POST', '/api/deployments/prune', { before: cutoff });
    expect(dry.body).toMatchObject({ dryRun: true, deployments: 1, deploymentIds: [f1.id] });
    expect(dry.body.journalEvents).toBeGreaterThan(0);
    const reasons = Object.fromEntries(dry.body.retained.map((r) => [r.id, r.reasons]));
    expect(reasons).toEqual({ [r1.id]: ['serving'], [s2.id]: ['rollback-target'], [s1.id]: ['referenced'] });
    expect(await rows()).toEqual(before);

    const real = await call<PruneReport>(plane, 'POST', '/api/deployments/prune', { before: cutoff, dryRun: false });
    expect({ ...real.body, dryRun: true, workId: null }).toEqual(dry.body);
    expect(real.body.dryRun).toBe(false);
    // The destructive run is work in the ledger; the dry run left none.
    expect(dry.body.workId).toBeNull();
    const work = await call<{ kind: string; status: string; details: Record<string, unknown> }>(plane, 'GET', `/api/work/${real.body.workId}`);
    expect(work.body).toMatchObject({ kind: 'deployment-prune', status: 'succeeded', details: { deployments: 1, journalEvents: dry.body.journalEvents } });
    expect(await rows()).toEqual({ deployments: before.deployments - 1, deployment_events: before.deployment_events - dry.body.journalEvents });
    expect((await call(plane, 'GET', `/api/deployments/${f1.id}`)).code).toBe('deployment_not_found');
    expect(await plane.store.journal.countFor([f1.id])).toBe(0);
    expect((await plane.store.audit.list(f1.id)).map((e) => e.type)).toContain('deployment.pruned');
    for (const kept of [s1, s2, r1, f2]) expect((await call(plane, 'GET', `/api/deployments/${kept.id}`)).status).toBe(200);

    const nothing = await call<PruneReport>(plane, 'POST', '/api/deployments/prune', { before: cutoff, dryRun: false });
    expect({ deployments: nothing.body.deployments, journalEvents: nothing.body.journalEvents }).toEqual({ deployments: 0, journalEvents: 0 });
    const early = await call<PruneReport>(plane, 'POST', '/api/deployments/prune', { before: '2000-01-01T00:00:00Z' });
    expect(early.body).toMatchObject({ deployments: 0, retained: [] });
  });

  it('refuses a wrong confirmation and an active attempt; archiving twice changes nothing', async () => {
    const d = await deploy(plane, { name: 'archived-twice', source: { kind: 'folder', location: `/nonexistent/${run}-3` } });
    const wrong = await archive(d.id, 'dep_other');
    expect({ status: wrong.status, code: wrong.code, field: wrong.details.field }).toEqual({ status: 400, code: 'confirmation_mismatch', field: 'confirm' });
    const first = await archive(d.id);
    const second = await archive(d.id);
    expect(second.body.archivedAt).toBe(first.body.archivedAt);
    expect((await plane.store.audit.list(d.id)).filter((e) => e.type === 'deployment.archived')).toHaveLength(1);
    expect((await archive('dep_missing')).code).toBe('deployment_not_found');

    const slow = await startSlowBuild(plane, 'archived-busy', `archive-slow-${run}`);
    const active = await archive(slow);
    expect({ status: active.status, code: active.code, detail: active.details.status }).toEqual({ status: 409, code: 'deployment_not_archivable', detail: 'running' });
    expect((await cancel(plane, slow)).body.status).toBe('canceled');
  });
});
