import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir } from '../support/apps.js';
import { runCli } from '../support/cli.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy } from '../support/deploy.js';
import { uid } from '../support/docker.js';
import { removeObjectsOf } from './fixtures.js';

type Envelope = { kind: string; cursor: number; event?: { kind: string; data: { service: string; line: string } }; status?: string; error?: { code: string } };
type Logs = { deploymentId: string | null; services: { service: string; state: string; lines: string[] }[]; redaction: { secretNames: string[]; valuesMasked: boolean } };

const LOGS = { http: { method: 'GET' as const, path: '/api/resources/{id}/logs' } };

// An app that prints its secret (as apps sometimes do) and then a line every 150 ms.
const chatty = () =>
  appDir({
    'package.json': JSON.stringify({ name: 'chatty', version: '1.0.0', scripts: { start: 'node server.js' } }),
    'server.js': `const http = require('http');
const t = process.env.API_TOKEN || 'none';
console.log('token=' + t);
console.error('auth header uses ' + t + ' today');
let n = 0;
setInterval(() => console.log('tick ' + (++n)), 150);
http.createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT || 3000), '0.0.0.0', () => console.log('listening'));
process.on('SIGTERM', () => process.exit(0));
`,
  });

describe('berth resource logs', () => {
  let plane: TestControlPlane;
  let resourceId: string;
  const secret = `tok-${uid()}${uid()}`;
  beforeAll(async () => {
    plane = await startTestControlPlane();
    const source = { kind: 'folder', location: chatty() };
    const first = await deploy(plane, { name: `chatty-${uid()}`, source });
    resourceId = first.resourceId;
    // The secret reaches the container only on the next deployment.
    expect((await api(plane, 'POST', `/api/resources/${resourceId}/secrets`, { name: 'API_TOKEN', value: secret })).status).toBe(200);
    expect((await deploy(plane, { resourceId, source })).status).toBe('succeeded');
  });
  afterAll(async () => {
    await plane?.close();
    if (resourceId) await removeObjectsOf([resourceId]);
  });

  it('returns the tail per service with secret values masked', async () => {
    // The deploy ends at the first health answer: the app's first tick may be a moment later.
    let read = await api<Logs>(plane, 'GET', `/api/resources/${resourceId}/logs?tail=500`);
    for (let i = 0; i < 50 && !read.body.services?.[0]?.lines.some((l) => l.startsWith('tick ')); i++) {
      await new Promise((r) => setTimeout(r, 100));
      read = await api<Logs>(plane, 'GET', `/api/resources/${resourceId}/logs?tail=500`);
    }
    const { status, body } = read;
    expect(status).toBe(200);
    expect(body.deploymentId).toMatch(/^dep_/);
    expect(body.services.map((s) => [s.service, s.state])).toEqual([['web', 'running']]);
    const lines = body.services[0]!.lines;
    // By name (token=...) and by value (anywhere in a line, stderr included).
    expect(lines).toContain('token=[redacted]');
    expect(lines).toContain('auth header uses [redacted] today');
    expect(lines.some((l) => l.startsWith('tick '))).toBe(true);
    expect(JSON.stringify(body)).not.toContain(secret);
    expect(body.redaction).toEqual({ secretNames: ['API_TOKEN'], valuesMasked: true });

    const one = await api<Logs>(plane, 'GET', `/api/resources/${resourceId}/logs?tail=1`);
    expect(one.body.services[0]!.lines).toHaveLength(1);
    const unknownService = await api<{ error: { code: string } }>(plane, 'GET', `/api/resources/${resourceId}/logs?service=nope`);
    expect(unknownService.body.error.code).toBe('validation_failed');
  });

  it('--follow streams new lines over SSE as envelopes with increasing cursors', async () => {
    const opened = await plane.client.stream(LOGS, { id: resourceId, follow: true, tail: 0 });
    if (!opened.ok) throw new Error(opened.error.code);
    const events: Envelope[] = [];
    for await (const e of opened.envelopes) {
      const env = e as Envelope;
      expect(env.kind).not.toBe('error');
      if (env.kind === 'event') events.push(env);
      if (events.length >= 4) break;
    }
    await opened.envelopes.return(undefined);
    expect(events.every((e) => e.event!.kind === 'log' && e.event!.data.service === 'web' && e.event!.data.line.startsWith('tick '))).toBe(true);
    expect(events.map((e) => e.cursor)).toEqual([1, 2, 3, 4]);
  });

  it('the CLI follows as NDJSON, masked, and reports unknown resources with a code', async () => {
    const cli = await runCli(['resource', 'logs', resourceId, '--follow', '--tail', '50', '--json'], plane.cliEnv, { timeoutMs: 6_000 });
    // The follow runs until the timeout kills it: a last line cut mid-write is skipped.
    const lines = cli.stdout.trim().split('\n').flatMap((l) => {
      try {
        return [JSON.parse(l) as Envelope];
      } catch {
        return [];
      }
    });
    const logLines = lines.filter((l) => l.kind === 'event').map((l) => l.event!.data.line);
    expect(logLines).toContain('auth header uses [redacted] today');
    expect(logLines.some((l) => l.startsWith('tick '))).toBe(true);
    expect(cli.stdout).not.toContain(secret);

    const missing = await runCli(['resource', 'logs', 'res_missing', '--follow', '--json'], plane.cliEnv);
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('resource_not_found');
    const plain = await api<{ error: { code: string } }>(plane, 'GET', '/api/resources/res_missing/logs');
    expect(plain.body.error.code).toBe('resource_not_found');
  });

  it('a resource with nothing serving has no logs, and its stream closes at once', async () => {
    const created = await api<{ id: string }>(plane, 'POST', '/api/resources', { name: `idle-${uid()}` });
    const { body } = await api<Logs>(plane, 'GET', `/api/resources/${created.body.id}/logs`);
    expect(body).toMatchObject({ deploymentId: null, services: [] });
    const opened = await plane.client.stream(LOGS, { id: created.body.id, follow: true });
    if (!opened.ok) throw new Error(opened.error.code);
    const all: Envelope[] = [];
    for await (const e of opened.envelopes) all.push(e as Envelope);
    expect(all).toEqual([{ kind: 'closed', cursor: 0, status: 'not-deployed', reason: 'terminal' }]);
  });
});
