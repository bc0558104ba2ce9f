import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { runCli } from '../support/cli.js';
import { deploy } from '../support/deploy.js';
import { call, deltas, isoAgo } from './support.js';

// Acceptance (issue 5): each prune deletes only its own rows older than its cutoff; every other
// table keeps its row count. A destructive run adds exactly its own records: one work item (the
// ledger) and one audit event (the history of the prune itself).
describe('each prune deletes only its own rows older than its cutoff', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  const HOUR = 3_600_000;

  it('provider-job-log prune: dry run first, then only old rows of the chosen provider', async () => {
    const logs = plane.store.providerJobLogs;
    for (const provider of ['generic-ssh', 'registry']) {
      const old = [0, 1, 2].map((i) => ({ provider, at: isoAgo(48 * HOUR), level: 'info' as const, message: `old ${i}`, data: { token: 'not-a-real-token' } }));
      await logs.append([...old, { provider, at: isoAgo(60_000), level: 'info', message: 'recent' }]);
    }
    const cutoff = isoAgo(24 * HOUR);
    const start = await plane.store.countRows();
    const dry = await runCli(['provider-job-log', 'prune', '--before', cutoff, '--provider', 'generic-ssh', '--json'], plane.cliEnv);
    expect(dry.json()).toMatchObject({ dryRun: true, provider: 'generic-ssh', matched: 3, deleted: 0, workId: null });
    expect(deltas(start, await plane.store.countRows())).toEqual({});

    const run = await runCli(['provider-job-log', 'prune', '--before', cutoff, '--provider', 'generic-ssh', '--dry-run', 'false', '--json'], plane.cliEnv);
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ dryRun: false, matched: 3, deleted: 3 });
    expect(deltas(start, await plane.store.countRows())).toEqual({ provider_job_logs: -3, work_items: 1, audit_events: 1 });

    const all = await call(plane, 'POST', '/api/provider-job-logs/prune', { before: cutoff, dryRun: false });
    expect(all.body).toMatchObject({ provider: null, deleted: 3 });
    expect(deltas(start, await plane.store.countRows())).toEqual({ provider_job_logs: -6, work_items: 2, audit_events: 2 });
    const ledger = await call<{ items: { kind: string; status: string; nextActions: string[] }[] }>(plane, 'GET', '/api/work?kind=provider-job-log-prune');
    expect(ledger.body.items).toHaveLength(2);
    expect(ledger.body.items.every((i) => i.status === 'succeeded' && i.nextActions[0] === 'no-action')).toBe(true);
  });

  it('domain-event prune: terminal attempts lose old rows behind a watermark; active attempts keep theirs', async () => {
    const ended = await deploy(plane, { name: 'gone-app', source: { kind: 'folder', location: '/nonexistent/berth/prune-app' } });
    expect(ended.status).toBe('failed');
    // An attempt that is still running (its runner elsewhere, heartbeat fresh): recovery evidence.
    const template = (await plane.store.deployments.get(ended.id))!;
    const activeId = `dep_active${Date.now()}`;
    await plane.store.deployments.create({ ...template, id: activeId, status: 'running', currentPhase: 'execute', heartbeatAt: new Date().toISOString(), finishedAt: null, error: null, eventsPrunedThrough: 0 });
    for (let i = 0; i < 2; i++) await plane.store.journal.append(activeId, { at: isoAgo(HOUR), kind: 'step', phase: 'execute', data: { step: `s${i}` } });
    const endedRows = (await plane.store.journal.after(ended.id, 0, 1000)).length;
    expect(endedRows).toBeGreaterThan(1);

    const cutoff = new Date(Date.now() + 1000).toISOString();
    const start = await plane.store.countRows();
    const dry = await call(plane, 'POST', '/api/domain-events/prune', { before: cutoff });
    expect(dry.body).toMatchObject({ dryRun: true, deleted: 0, skippedActive: 2 });
    expect(dry.body.wouldDelete).toBeGreaterThanOrEqual(endedRows);
    expect(deltas(start, await plane.store.countRows())).toEqual({});

    const run = await runCli(['domain-event', 'prune', '--before', cutoff, '--dry-run', 'false', '--json'], plane.cliEnv);
    const body = run.json<{ deleted: number; skippedActive: number }>();
    expect(body).toMatchObject({ skippedActive: 2, deleted: dry.body.wouldDelete });
    expect(deltas(start, await plane.store.countRows())).toEqual({ deployment_events: -body.deleted, work_items: 1, audit_events: 1 });
    expect(await plane.store.journal.after(activeId, 0, 10)).toHaveLength(2);

    // The older cursor now gets an explicit gap, not silently missing events.
    const stream = await call<{ envelopes: { kind: string }[] }>(plane, 'GET', `/api/deployments/${ended.id}/events?cursor=0`);
    expect(stream.body.envelopes[0]!.kind).toBe('gap');
    await plane.store.deployments.update(activeId, { status: 'failed', finishedAt: new Date().toISOString() });
  });

  it('audit prune: only audit rows older than the cutoff; newer ones stay', async () => {
    const old = (await call<{ id: string }>(plane, 'POST', '/api/projects', { name: 'old-project' })).body.id;
    await new Promise((r) => setTimeout(r, 20));
    const cutoff = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const fresh = (await call<{ id: string }>(plane, 'POST', '/api/projects', { name: 'fresh-project' })).body.id;
    const start = await plane.store.countRows();
    const dry = await call(plane, 'POST', '/api/audit-events/prune', { before: cutoff });
    expect(deltas(start, await plane.store.countRows())).toEqual({});
    const run = await call(plane, 'POST', '/api/audit-events/prune', { before: cutoff, dryRun: false });
    expect(run.body.deleted).toBe(dry.body.wouldDelete);
    const change = deltas(start, await plane.store.countRows());
    expect(change).toEqual({ audit_events: -run.body.deleted + 1, audit_prune_gaps: change.audit_prune_gaps, work_items: 1 });
    expect(change.audit_prune_gaps).toBeGreaterThanOrEqual(1);
    expect((await call(plane, 'GET', `/api/audit-events?aggregate=${old}`)).body.items).toHaveLength(0);
    expect((await call(plane, 'GET', `/api/audit-events?aggregate=${fresh}`)).body.items).toHaveLength(1);
    expect((await call(plane, 'GET', '/api/audit-chain/verify')).body.ok).toBe(true);
  });
});
