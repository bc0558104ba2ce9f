import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthError } from '../../src/core/errors/berth-error.js';
import { trackWork } from '../../src/core/work/track.js';
import { nextActionsFor } from '../../src/core/work/work-item.js';
import { findOperation } from '../../src/operations/catalogue.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { runCli } from '../support/cli.js';
import { deploy } from '../support/deploy.js';
import { call, type Err } from './support.js';

type Item = { id: string; kind: string; status: string; attemptStatus: string; phase: string | null; resourceId: string | null; serverId: string | null; deploymentId: string | null; errorCode: string | null; errorCategory: string | null; retryable: boolean; nextActions: string[] };

describe('work ledger', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  it('next actions follow the error actionability', () => {
    const e = (actionability: string, retryable = false) => ({ actionability, retryable }) as Parameters<typeof nextActionsFor>[1];
    expect(nextActionsFor('running', null)).toEqual(['no-action']);
    expect(nextActionsFor('succeeded', null)).toEqual(['no-action']);
    expect(nextActionsFor('failed', null)).toEqual(['manual-review']);
    expect(nextActionsFor('failed', e('fix-input'))).toEqual(['manual-review']);
    expect(nextActionsFor('failed', e('run-diagnostic'))).toEqual(['diagnostic']);
    expect(nextActionsFor('failed', e('run-diagnostic', true))).toEqual(['diagnostic', 'retry']);
    expect(nextActionsFor('interrupted', e('auto-recoverable', true))).toEqual(['retry']);
    expect(nextActionsFor('failed', e('wait-retry', true))).toEqual(['retry']);
    expect(nextActionsFor('failed', e('report-bug'))).toEqual(['manual-review']);
    expect(nextActionsFor('rolled-back', e('no-user-action'))).toEqual(['no-action']);
  });

  it('a deployment attempt is a work item with its code, related ids and next actions', async () => {
    const d = await deploy(plane, { name: 'ledger-app', source: { kind: 'folder', location: '/nonexistent/berth/ledger' } });
    const cli = await runCli(['work', 'list', '--kind', 'deployment', '--json'], plane.cliEnv);
    const item = cli.json<{ items: Item[] }>().items.find((i) => i.id === d.id)!;
    expect(item).toMatchObject({ kind: 'deployment', status: 'failed', attemptStatus: 'failed', phase: 'detect', resourceId: d.resourceId, deploymentId: d.id, errorCode: 'source_unreadable', errorCategory: 'validation', retryable: false, nextActions: ['manual-review'] });
    expect(item.serverId).toMatch(/^srv_/);
    const shown = await call<Item & { error: { code: string; remedies: unknown[] }; details: { trigger: string } }>(plane, 'GET', `/api/work/${d.id}`);
    expect(shown.body.error.code).toBe('source_unreadable');
    expect(shown.body.details.trigger).toBe('deploy');
    const missing = await runCli(['work', 'show', 'wrk_missing', '--json'], plane.cliEnv);
    expect(missing.json<Err>().error.code).toBe('work_item_not_found');
    expect((await call<Err>(plane, 'GET', '/api/work/dep_missing')).body.error.code).toBe('work_item_not_found');
  });

  it('recorded background work (proxy bootstrap) keeps its code; watch streams until it ends', async () => {
    const server = (await call<{ items: { id: string }[] }>(plane, 'GET', '/api/servers')).body.items[0]!;
    await expect(
      trackWork(plane.store.work, { kind: 'proxy-bootstrap', serverId: server.id }, async () => {
        throw new BerthError('proxy_unavailable', 'Caddy does not answer.', { adminUrl: 'http://127.0.0.1:2019', reason: 'ECONNREFUSED' });
      }),
    ).rejects.toThrow();
    const failed = (await call<{ items: Item[] }>(plane, 'GET', `/api/work?kind=proxy-bootstrap&serverId=${server.id}`)).body.items;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ status: 'failed', errorCode: 'proxy_unavailable', errorCategory: 'infra', retryable: true, nextActions: ['diagnostic', 'retry'], serverId: server.id });

    // A run in progress: watch follows it to its end.
    let finish!: () => void;
    const running = trackWork(plane.store.work, { kind: 'certificate', certificateId: 'crt_1' }, () => new Promise<void>((r) => (finish = r)));
    await new Promise((r) => setTimeout(r, 100));
    const item = (await call<{ items: Item[] }>(plane, 'GET', '/api/work?kind=certificate&status=running')).body.items[0]!;
    const opened = await plane.client.stream(findOperation('work.watch')!, { id: item.id, follow: true });
    if (!opened.ok) throw new Error(opened.error.code);
    const seen: { kind: string; item?: Item; status?: string }[] = [];
    for await (const e of opened.envelopes as AsyncIterable<{ kind: string; item?: Item }>) {
      seen.push(e);
      if (seen.length === 1) finish();
    }
    await running;
    expect(seen.filter((e) => e.kind === 'snapshot').map((e) => e.item!.status)).toEqual(['running', 'succeeded']);
    expect(seen.at(-1)).toMatchObject({ kind: 'closed', status: 'succeeded', reason: 'terminal' });

    const cli = await runCli(['work', 'watch', item.id, '--follow', '--json'], plane.cliEnv);
    const lines = cli.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string });
    expect(lines.map((l) => l.kind)).toEqual(['snapshot', 'closed']);
  });

  it('quiet tracking records only runs that did something, and every failure', async () => {
    const before = (await plane.store.countRows()).work_items!;
    await trackWork(plane.store.work, { kind: 'reconcile' }, async () => [], { recordSuccessIf: (ended) => ended.length > 0 });
    expect((await plane.store.countRows()).work_items).toBe(before);
    await trackWork(plane.store.work, { kind: 'reconcile' }, async () => ['dep_x'], { recordSuccessIf: (ended) => ended.length > 0, detailsOf: (ended) => ({ ended }) });
    const [reconcile] = (await call<{ items: Item[] }>(plane, 'GET', '/api/work?kind=reconcile')).body.items;
    expect(reconcile).toMatchObject({ status: 'succeeded', nextActions: ['no-action'] });
  });
});
