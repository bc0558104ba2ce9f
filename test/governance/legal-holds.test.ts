import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { runCli } from '../support/cli.js';
import { call, deltas, type Err } from './support.js';

const pause = () => new Promise((r) => setTimeout(r, 20));

// Acceptance (issue 5): a legal hold keeps matching audit rows through a destructive prune until
// every matching hold is released; prune is dry-run unless told otherwise.
describe('legal holds and audit prune', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  const events = async (aggregate: string) => (await call<{ items: { id: string }[] }>(plane, 'GET', `/api/audit-events?aggregate=${aggregate}`)).body.items;

  it('holds rows through destructive prunes until every matching hold is released', async () => {
    const held = (await call<{ id: string }>(plane, 'POST', '/api/projects', { name: 'held' })).body.id;
    const free = (await call<{ id: string }>(plane, 'POST', '/api/projects', { name: 'free' })).body.id;
    const configured = await runCli(['audit-event', 'legal-hold', 'configure', '--aggregate', held, '--reason', 'support review', '--json'], plane.cliEnv);
    expect(configured.code).toBe(0);
    const first = configured.json<{ id: string; status: string; aggregateId: string }>();
    expect(first).toMatchObject({ status: 'active', aggregateId: held });
    const second = (await call<{ id: string }>(plane, 'POST', '/api/legal-holds', { aggregate: held, reason: 'incident 42' })).body;
    await pause();
    const cutoff = new Date().toISOString();
    await pause();
    const late = (await call<{ id: string }>(plane, 'POST', '/api/projects', { name: 'late' })).body.id;

    // Dry run by default: reports, writes nothing.
    const before = await plane.store.countRows();
    const dry = await runCli(['audit-event', 'prune', '--before', cutoff, '--json'], plane.cliEnv);
    expect(dry.code).toBe(0);
    const report = dry.json<{ dryRun: boolean; held: number; deleted: number; wouldDelete: number; heldAggregates: { aggregateId: string; rows: number; holdIds: string[] }[] }>();
    expect(report).toMatchObject({ dryRun: true, held: 1, deleted: 0 });
    expect(report.wouldDelete).toBeGreaterThan(0);
    expect(report.heldAggregates).toEqual([{ aggregateId: held, rows: 1, holdIds: [first.id, second.id].sort() }]);
    expect(deltas(before, await plane.store.countRows())).toEqual({});

    const destructive = await runCli(['audit-event', 'prune', '--before', cutoff, '--dry-run', 'false', '--json'], plane.cliEnv);
    expect(destructive.json()).toMatchObject({ dryRun: false, held: 1, deleted: report.wouldDelete });
    expect(await events(held)).toHaveLength(1);
    expect(await events(free)).toHaveLength(0);
    expect(await events(late)).toHaveLength(1);

    // One of two holds released: the other still matches, the row stays.
    await call(plane, 'POST', `/api/legal-holds/${first.id}/release`, { reason: 'review complete' });
    const stillHeld = await call(plane, 'POST', '/api/audit-events/prune', { before: cutoff, dryRun: false });
    expect(stillHeld.body).toMatchObject({ held: 1, deleted: 0 });
    expect(await events(held)).toHaveLength(1);

    const released = await runCli(['audit-event', 'legal-hold', 'release', second.id, '--reason', 'incident closed', '--json'], plane.cliEnv);
    expect(released.json()).toMatchObject({ status: 'released', releaseReason: 'incident closed' });
    const gone = await call(plane, 'POST', '/api/audit-events/prune', { before: cutoff, dryRun: false });
    expect(gone.body).toMatchObject({ held: 0, deleted: 1 });
    expect(await events(held)).toHaveLength(0);
    expect(await events(late)).toHaveLength(1);
  });

  it('lists holds by status; releasing an unknown hold is legal_hold_not_found', async () => {
    const active = await call<{ items: { status: string }[] }>(plane, 'GET', '/api/legal-holds?status=active');
    expect(active.body.items.every((h) => h.status === 'active')).toBe(true);
    const released = await runCli(['audit-event', 'legal-hold', 'list', '--status', 'released', '--json'], plane.cliEnv);
    expect(released.json<{ items: { status: string }[] }>().items.length).toBeGreaterThanOrEqual(2);
    expect(released.json<{ items: { status: string }[] }>().items.every((h) => h.status === 'released')).toBe(true);
    const missing = await call<Err>(plane, 'POST', '/api/legal-holds/hold_missing/release', { reason: 'x' });
    expect(missing.body.error.code).toBe('legal_hold_not_found');
    const bad = await call<Err>(plane, 'GET', '/api/legal-holds?status=frozen');
    expect(bad.body.error.code).toBe('validation_failed');
  });

  it('audit prune needs an explicit cutoff', async () => {
    const r = await call<Err>(plane, 'POST', '/api/audit-events/prune', { dryRun: false });
    expect(r.body.error.code).toBe('validation_failed');
    expect(r.body.error.details.validationIssuePaths).toEqual(['before']);
  });
});
