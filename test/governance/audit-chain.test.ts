import { afterEach, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { runCli } from '../support/cli.js';
import { call, isoAgo, isoIn, rawSql, reopenPlane, type Err } from './support.js';

// Acceptance (issue 5): changing one audit row directly in the database makes `verify` name
// that row; a row removed outside a prune is found too; pruning (with holds) is not tampering.
describe('audit hash chain verification', () => {
  let plane: TestControlPlane | undefined;
  afterEach(async () => {
    await plane?.close();
    plane = undefined;
  });

  const rowsOf = async (p: TestControlPlane) => {
    const r = await call<{ items: { seq: number; id: string; type: string; aggregateId: string }[] }>(p, 'GET', `/api/audit-export/global?from=${encodeURIComponent(isoAgo(3_600_000))}&to=${encodeURIComponent(isoIn(60_000))}&limit=1000`);
    return r.body.items;
  };
  const seedProjects = async (p: TestControlPlane, n: number, prefix: string) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await call<{ id: string }>(p, 'POST', '/api/projects', { name: `${prefix}-${i}` })).body.id);
    return ids;
  };
  const verify = (p: TestControlPlane) => call<{ ok: true; checked: number; prunedRuns: number } & Err>(p, 'GET', '/api/audit-chain/verify');

  it('an intact chain verifies; one altered payload is named, over HTTP and the CLI', async () => {
    plane = await startTestControlPlane();
    await seedProjects(plane, 5, 'chain');
    const ok = await verify(plane);
    expect(ok.status).toBe(200);
    const rows = await rowsOf(plane);
    expect(ok.body.checked).toBe(rows.length);
    const victim = rows.find((r) => r.type === 'project.created' && rows.indexOf(r) >= 2)!;
    const settings = plane.settings;
    await plane.close();
    plane = undefined;

    await rawSql(settings, `UPDATE audit_events SET payload = jsonb_set(payload, '{name}', '"forged"') WHERE id = $1`, [victim.id]);
    plane = await reopenPlane(settings);
    const broken = await verify(plane);
    expect(broken.body.error.code).toBe('audit_chain_broken');
    expect(broken.body.error.category).toBe('integrity');
    expect(broken.body.error.details).toEqual({ firstBrokenSeq: victim.seq, firstBrokenId: victim.id, reason: 'row-altered' });

    const cli = await runCli(['audit-event', 'verify', '--json'], plane.cliEnv);
    expect(cli.code).not.toBe(0);
    expect(cli.json<Err>().error.details.firstBrokenId).toBe(victim.id);
  });

  it('a row deleted outside a prune is found: the row after the hole is named', async () => {
    plane = await startTestControlPlane();
    await seedProjects(plane, 4, 'hole');
    const rows = await rowsOf(plane);
    const settings = plane.settings;
    await plane.close();
    plane = undefined;

    const gone = rows[rows.length - 3]!;
    const next = rows[rows.length - 2]!;
    await rawSql(settings, 'DELETE FROM audit_events WHERE id = $1', [gone.id]);
    plane = await reopenPlane(settings);
    const broken = await verify(plane);
    expect(broken.body.error.code).toBe('audit_chain_broken');
    expect(broken.body.error.details).toEqual({ firstBrokenSeq: next.seq, firstBrokenId: next.id, reason: 'previous-row-missing' });
  });

  it('prunes (around a legal hold, then after its release) keep the chain verifiable; a later hole is still found', async () => {
    plane = await startTestControlPlane();
    const held = await seedProjects(plane, 2, 'held');
    await seedProjects(plane, 3, 'old');
    const hold = await call<{ id: string }>(plane, 'POST', '/api/legal-holds', { aggregate: held[0], reason: 'support review' });
    await new Promise((r) => setTimeout(r, 20));
    const cutoff = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await seedProjects(plane, 3, 'new');

    const pruned = await call(plane, 'POST', '/api/audit-events/prune', { before: cutoff, dryRun: false });
    expect(pruned.status).toBe(200);
    expect(pruned.body.held).toBe(1);
    expect(pruned.body.deleted).toBeGreaterThan(3);
    const afterFirst = await verify(plane);
    expect(afterFirst.status).toBe(200);
    expect(afterFirst.body.prunedRuns).toBeGreaterThanOrEqual(2); // one run each side of the held row

    await call(plane, 'POST', `/api/legal-holds/${hold.body.id}/release`, { reason: 'review complete' });
    const second = await call(plane, 'POST', '/api/audit-events/prune', { before: cutoff, dryRun: false });
    expect(second.body).toMatchObject({ held: 0, deleted: 1 });
    const afterSecond = await verify(plane);
    expect(afterSecond.status).toBe(200);

    const rows = await rowsOf(plane);
    const settings = plane.settings;
    await plane.close();
    plane = undefined;
    await rawSql(settings, 'DELETE FROM audit_events WHERE id = $1', [rows[1]!.id]);
    plane = await reopenPlane(settings);
    const broken = await verify(plane);
    expect(broken.body.error.details).toMatchObject({ firstBrokenId: rows[2]!.id, reason: 'previous-row-missing' });
  });
});
