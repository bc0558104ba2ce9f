import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { runCli } from '../support/cli.js';
import { call, deltas, type Err } from './support.js';

// Retention defaults are policy records: configuring one writes the record and its audit event,
// and deletes nothing.
describe('retention defaults', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  it('configure, list and show; nothing is deleted', async () => {
    const before = await plane.store.countRows();
    const set = await runCli(['retention-default', 'configure', '--scope', 'system', '--category', 'provider-job-logs', '--retention-days', '30', '--json'], plane.cliEnv);
    expect(set.code).toBe(0);
    expect(set.json()).toMatchObject({ scope: 'system', category: 'provider-job-logs', retentionDays: 30, schedule: 'dry-run' });
    await call(plane, 'POST', '/api/retention-defaults', { scope: 'system', category: 'provider-job-logs', retentionDays: 7, schedule: 'destructive' });
    await call(plane, 'POST', '/api/retention-defaults', { scope: 'system', category: 'runtime-monitoring-samples', retentionDays: 1 });
    expect(deltas(before, await plane.store.countRows())).toEqual({ retention_defaults: 2, audit_events: 3 });

    const list = await runCli(['retention-default', 'list', '--scope', 'system', '--json'], plane.cliEnv);
    expect(list.json<{ items: { category: string; retentionDays: number }[] }>().items.map((i) => [i.category, i.retentionDays])).toEqual([
      ['provider-job-logs', 7],
      ['runtime-monitoring-samples', 1],
    ]);
    const shown = await runCli(['retention-default', 'show', 'provider-job-logs', '--scope', 'system', '--json'], plane.cliEnv);
    expect(shown.json()).toMatchObject({ configured: true, retentionDays: 7, schedule: 'destructive' });
    expect((await call(plane, 'GET', '/api/retention-defaults/audit-events')).body).toMatchObject({ configured: false, retentionDays: null });
    const bad = await call<Err>(plane, 'POST', '/api/retention-defaults', { scope: 'org', category: 'provider-job-logs', retentionDays: 0 });
    expect(bad.body.error.code).toBe('validation_failed');
    expect(bad.body.error.details.validationIssuePaths).toEqual(['scope', 'retentionDays']);
  });
});
