import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeApp } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, waitTerminal } from '../support/deploy.js';
import { runCli } from '../support/cli.js';

type Envelope = { kind: string; cursor: number; event?: { seq: number; kind: string }; status?: string; reason?: string };

// Acceptance (issue 3): an event stream reopened with a cursor resumes without loss; a cursor
// older than retention gets a `gap`.
describe('deployment event streams', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  const follow = async (id: string, cursor: number, stopAfter = Infinity): Promise<Envelope[]> => {
    const opened = await plane.client.stream({ http: { method: 'GET', path: '/api/deployments/{id}/events' } }, { id, cursor, follow: true });
    if (!opened.ok) throw new Error(opened.error.code);
    const out: Envelope[] = [];
    for await (const e of opened.envelopes) {
      out.push(e as Envelope);
      if (out.filter((x) => x.kind === 'event').length >= stopAfter) break;
    }
    await opened.envelopes.return(undefined);
    return out;
  };

  it('a stream dropped mid-deploy and reopened from its cursor loses and repeats nothing', async () => {
    const created = await api<{ id: string }>(plane, 'POST', '/api/deployments', { name: 'streamed', source: { kind: 'folder', location: nodeApp({ '/': [200, 'ok'] }) }, health: { path: '/', timeoutSeconds: 30, intervalMs: 100 } });
    const first = await follow(created.body.id, 0, 3);
    const lastCursor = first[first.length - 1]!.cursor;
    const rest = await follow(created.body.id, lastCursor);
    expect(rest[rest.length - 1]).toMatchObject({ kind: 'closed', status: 'succeeded', reason: 'terminal' });

    const whole = await follow(created.body.id, 0);
    const seqs = (xs: Envelope[]) => xs.filter((x) => x.kind === 'event').map((x) => x.event!.seq);
    expect([...seqs(first), ...seqs(rest)]).toEqual(seqs(whole));
    expect(new Set(seqs(whole)).size).toBe(seqs(whole).length);
    expect(seqs(whole)).toEqual([...seqs(whole)].sort((a, b) => a - b));
  });

  it('the CLI follows as NDJSON envelopes, and a cursor older than retention gets a gap', async () => {
    const created = await api<{ id: string }>(plane, 'POST', '/api/deployments', { name: 'pruned', source: { kind: 'folder', location: nodeApp({ '/': [200, 'ok'] }) } });
    await waitTerminal(plane, created.body.id);
    const cli = await runCli(['deployments', 'events', created.body.id, '--follow', '--json'], plane.cliEnv);
    expect(cli.code).toBe(0);
    const lines = cli.stdout.trim().split('\n').map((l) => JSON.parse(l) as Envelope);
    expect(lines.at(-1)).toMatchObject({ kind: 'closed', status: 'succeeded' });
    const total = lines.filter((l) => l.kind === 'event').length;
    expect(total).toBeGreaterThan(5);

    // Retention removes the journal rows; the deployment keeps a watermark.
    const pruned = await plane.store.journal.pruneBefore(new Date(Date.now() + 60_000).toISOString(), { dryRun: false });
    expect(pruned.deleted).toBeGreaterThanOrEqual(total);
    const after = await follow(created.body.id, 0);
    expect(after[0]).toMatchObject({ kind: 'gap', reason: 'pruned' });
    expect(after[0]!.cursor).toBe(lines.filter((l) => l.kind === 'event').at(-1)!.cursor);
    expect(after.at(-1)).toMatchObject({ kind: 'closed' });

    const missing = await runCli(['deployments', 'events', 'dep_missing', '--follow', '--json'], plane.cliEnv);
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('deployment_not_found');
  });
});
