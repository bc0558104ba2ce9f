import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { findOperation } from '../../src/operations/catalogue.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { runCli } from '../support/cli.js';
import { connectMcp } from '../support/mcp.js';
import { call, deltas, isoAgo, isoIn, type Err } from './support.js';

type Row = { seq: number; id: string; aggregateId: string; type: string; payload: Record<string, unknown>; redactedFields: string[] };

describe('audit events: list, show, exports', () => {
  let plane: TestControlPlane;
  let mcp: Client;
  let projectId: string;
  const window = () => `from=${encodeURIComponent(isoAgo(3_600_000))}&to=${encodeURIComponent(isoIn(60_000))}`;
  beforeAll(async () => {
    plane = await startTestControlPlane();
    mcp = await connectMcp(plane.cliEnv);
    projectId = (await call<{ id: string }>(plane, 'POST', '/api/projects', { name: 'audited' })).body.id;
    for (let i = 0; i < 3; i++) await call(plane, 'POST', '/api/environments', { projectId, name: `env-${i}` });
  });
  afterAll(async () => {
    await mcp?.close();
    await plane?.close();
  });

  it('show returns a safe payload and names the masked fields; another aggregate does not find it', async () => {
    await plane.store.audit.append({ type: 'certificate.failed', aggregateType: 'certificate', aggregateId: 'crt_test', actor: { kind: 'system', id: 'test' }, payload: { domain: 'a.example', privateKey: 'PEM-KEY', env: { DB_PASSWORD: 'p' }, provider: { apiToken: 't' } } });
    const [summary] = (await call<{ items: { id: string }[] }>(plane, 'GET', '/api/audit-events?aggregate=crt_test')).body.items;
    const cli = await runCli(['audit-event', 'show', summary!.id, '--aggregate', 'crt_test', '--json'], plane.cliEnv);
    expect(cli.code).toBe(0);
    const shown = cli.json<Row>();
    expect(shown.payload).toEqual({ domain: 'a.example', privateKey: '[redacted]', env: { DB_PASSWORD: '[redacted]' }, provider: { apiToken: '[redacted]' } });
    expect(shown.redactedFields.sort()).toEqual(['env.DB_PASSWORD', 'privateKey', 'provider.apiToken']);
    const elsewhere = await call<Err>(plane, 'GET', `/api/audit-events/${summary!.id}?aggregate=${projectId}`);
    expect(elsewhere.body.error.code).toBe('audit_event_not_found');
  });

  it('export of one aggregate is bounded by --limit', async () => {
    const envs = (await call<{ items: { id: string }[] }>(plane, 'GET', `/api/environments?projectId=${projectId}`)).body.items;
    expect(envs.length).toBe(3);
    const one = await runCli(['audit-event', 'export', '--aggregate', projectId, '--limit', '1', '--json'], plane.cliEnv);
    expect(one.json()).toMatchObject({ aggregateId: projectId, limit: 1, count: 1, truncated: false });
    await plane.store.audit.append({ type: 'resource.updated', aggregateType: 'resource', aggregateId: 'res_many', actor: { kind: 'system', id: 't' }, payload: {} });
    await plane.store.audit.append({ type: 'resource.updated', aggregateType: 'resource', aggregateId: 'res_many', actor: { kind: 'system', id: 't' }, payload: {} });
    const bounded = await call<{ count: number; truncated: boolean; items: Row[] }>(plane, 'GET', '/api/audit-export?aggregate=res_many&limit=1');
    expect(bounded.body).toMatchObject({ count: 1, truncated: true });
  });

  it('export-global requires its window on every surface', async () => {
    const http = await call<Err>(plane, 'GET', `/api/audit-export/global?from=${encodeURIComponent(isoAgo(1000))}`);
    expect(http.body.error.code).toBe('export_window_required');
    expect(http.body.error.details.missing).toEqual(['to']);
    const cli = await runCli(['audit-event', 'export-global', '--limit', '10', '--json'], plane.cliEnv);
    expect(cli.json<Err>().error.details.missing).toEqual(['from', 'to']);
    const tool = await mcp.callTool({ name: 'audit-events_export-global', arguments: { limit: 5 } });
    expect(tool.isError).toBe(true);
    expect((tool.structuredContent as Err).error.code).toBe('export_window_required');
    const reversed = await call<Err>(plane, 'GET', `/api/audit-export/global?from=${encodeURIComponent(isoIn(1000))}&to=${encodeURIComponent(isoAgo(1000))}`);
    expect(reversed.body.error.code).toBe('validation_failed');
  });

  it('export-global streams every row of its window in pages, bounded by --limit', async () => {
    const all = await call<{ count: number; nextCursor: number | null; items: Row[] }>(plane, 'GET', `/api/audit-export/global?${window()}&limit=1000`);
    const total = all.body.count;
    expect(total).toBeGreaterThan(5);
    const op = findOperation('audit-events.export-global')!;
    const input = { from: isoAgo(3_600_000), to: isoIn(60_000), limit: total - 2, follow: true };
    const opened = await plane.client.stream(op, input);
    if (!opened.ok) throw new Error(opened.error.code);
    const seen: Row[] = [];
    let closed: Record<string, unknown> | undefined;
    for await (const e of opened.envelopes as AsyncIterable<{ kind: string; rows?: Row[] }>) {
      if (e.kind === 'rows') seen.push(...e.rows!);
      else closed = e;
    }
    expect(seen.map((r) => r.seq)).toEqual(all.body.items.slice(0, total - 2).map((r) => r.seq));
    expect(closed).toMatchObject({ kind: 'closed', count: total - 2, reason: 'limit' });

    const page = await call<{ count: number; nextCursor: number; items: Row[] }>(plane, 'GET', `/api/audit-export/global?${window()}&limit=${total}&after=${all.body.items[1]!.seq}`);
    expect(page.body.items[0]!.seq).toBe(all.body.items[2]!.seq);
    const cli = await runCli(['audit-event', 'export-global', '--from', input.from, '--to', input.to, '--limit', '3', '--follow', '--json'], plane.cliEnv);
    const lines = cli.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; rows?: Row[] });
    expect(lines.flatMap((l) => l.rows ?? [])).toHaveLength(3);
    expect(lines.at(-1)).toMatchObject({ kind: 'closed', reason: 'limit' });
  });

  it('read paths never mutate: every query and every dry run leaves every table as it was', async () => {
    const before = await plane.store.countRows();
    const chain = (await call(plane, 'GET', '/api/audit-chain/verify')).body;
    const reads: [string, string][] = [
      ['GET', `/api/audit-events?aggregate=${projectId}`],
      ['GET', `/api/audit-export?aggregate=${projectId}&limit=10`],
      ['GET', `/api/audit-export/global?${window()}&limit=100`],
      ['GET', '/api/audit-chain/verify'],
      ['GET', '/api/legal-holds?status=active'],
      ['GET', '/api/retention-defaults'],
      ['GET', '/api/retention-defaults/audit-events'],
      ['GET', '/api/work'],
      ['GET', '/api/work?kind=deployment&status=failed'],
      ['GET', '/api/work/wrk_missing'],
    ];
    for (const [method, path] of reads) await call(plane, method, path);
    for (const path of ['/api/audit-events/prune', '/api/provider-job-logs/prune', '/api/domain-events/prune']) {
      expect((await call(plane, 'POST', path, { before: isoIn(60_000) })).body.dryRun).toBe(true);
    }
    await runCli(['audit-event', 'list', '--aggregate', projectId, '--json'], plane.cliEnv);
    await runCli(['work', 'list', '--json'], plane.cliEnv);
    await runCli(['audit-event', 'prune', '--before', isoIn(60_000), '--json'], plane.cliEnv);
    for (const name of ['audit-events_verify', 'work_list', 'legal-holds_list', 'retention-defaults_list']) await mcp.callTool({ name, arguments: {} });
    await mcp.callTool({ name: 'audit-events_export-global', arguments: { from: isoAgo(3_600_000), to: isoIn(60_000), limit: 50 } });
    expect(deltas(before, await plane.store.countRows())).toEqual({});
    expect((await call(plane, 'GET', '/api/audit-chain/verify')).body).toEqual(chain);
  });
});
