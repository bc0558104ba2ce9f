import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { OPERATIONS, findOperation } from '../../src/operations/catalogue.js';
import { toolName } from '../../src/operations/operation.js';
import { appDir } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { runCli } from '../support/cli.js';
import { deploy, viaProxy, waitTerminal } from '../support/deploy.js';
import { connectMcp } from '../support/mcp.js';
import { call, isoAgo, isoIn, rawSql } from './support.js';
import { testbedMissing, testServer } from '../support/testbed.js';

// Acceptance (issue 5): a random secret goes through a deploy, a failure, a recovery, and every
// listing, export, log, event stream, MCP call and CLI output; none of them contains it, nor does
// the store at rest, while the container provably received it (it answers the value's sha256).

const CANARY = `canary-${randomBytes(18).toString('hex')}`;
const sha = createHash('sha256').update(CANARY).digest('hex');

// A registered SSH server's private key (a real, random ed25519 key: a line of its body is the
// canary) and its passphrase (issue 10): sealed in the store, never shown anywhere.
const PASSPHRASE_CANARY = `pass-${randomBytes(18).toString('hex')}`;
const keyDir = mkdtempSync(join(tmpdir(), 'berth-canary-key-'));
const keyFile = join(keyDir, 'id_ed25519');
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', PASSPHRASE_CANARY, '-C', '', '-f', keyFile]);
const KEY_CANARY = readFileSync(keyFile, 'utf8').split('\n')[2]!;
const CANARIES = [CANARY, KEY_CANARY, PASSPHRASE_CANARY];
const leaks = (text: string) => CANARIES.some((c) => text.includes(c));

const server = `const http = require('http');
const crypto = require('crypto');
const v = process.env.CANARY_SECRET || '';
http.createServer((req, res) => {
  if (req.url === '/hash') return res.end(crypto.createHash('sha256').update(v).digest('hex'));
  if (req.url === '/') return res.end('ok');
  res.writeHead(404); res.end('not found');
}).listen(Number(process.env.PORT || 3000), '0.0.0.0');
process.on('SIGTERM', () => process.exit(0));
`;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    const s = statSync(p, { throwIfNoEntry: false });
    return !s ? [] : s.isDirectory() ? filesUnder(p) : s.isFile() ? [p] : [];
  });
}

describe('secret canary', () => {
  let plane: TestControlPlane;
  let mcp: Client;
  const seen: string[] = [];
  const logged: string[] = [];
  const restore: (() => void)[] = [];
  const record = (label: string, text: string) => seen.push(`${label}\n${text}`);

  beforeAll(async () => {
    // The control plane runs in this process: whatever it logs passes through console.
    for (const m of ['log', 'error', 'warn', 'info'] as const) {
      const original = console[m];
      console[m] = (...args: unknown[]) => {
        logged.push(args.map((a) => (a instanceof Error ? `${a.name} ${a.message} ${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
        original(...args);
      };
      restore.push(() => (console[m] = original));
    }
    plane = await startTestControlPlane();
    mcp = await connectMcp(plane.cliEnv);
  });
  afterAll(async () => {
    await mcp?.close();
    await plane?.close();
    restore.forEach((r) => r());
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('reaches the container and nothing else', { timeout: 400_000 }, async () => {
    const app = appDir({ 'package.json': JSON.stringify({ name: 'canary', version: '1.0.0', scripts: { start: 'node server.js' } }), 'server.js': server });
    const source = { kind: 'folder', location: app };
    const created = await call<{ id: string }>(plane, 'POST', '/api/resources', { name: 'canary', source, network: { internalPort: 3000 } });
    const rid = created.body.id;

    const set = await runCli(['resource', 'secret', 'set', rid, 'CANARY_SECRET', '--value', CANARY, '--json'], plane.cliEnv);
    expect(set.json()).toMatchObject({ name: 'CANARY_SECRET', secretNames: ['CANARY_SECRET'] });
    record('cli set', set.stdout + set.stderr);
    for (const args of [['resource', 'secret', 'set', rid, 'bad-name', '--value', CANARY], ['resource', 'secret', 'set', 'res_missing', 'X', '--value', CANARY]]) {
      const r = await runCli(args, plane.cliEnv);
      expect(r.code).not.toBe(0);
      record(`cli secret set (error case ${args[4]})`, r.stdout + r.stderr);
    }

    // An SSH server registered with the key file and its passphrase; its test reaches the node's sshd
    // (testbed node 3, which refuses this key) or a closed port, so the key is unsealed and used.
    const node = testbedMissing ? { host: '127.0.0.1', port: 1, user: 'berth' } : testServer(3);
    const reg = await runCli(['server', 'register', 'canary-box', '--host', node.host, '--port', String(node.port), '--user', node.user, '--key', keyFile, '--passphrase', PASSPHRASE_CANARY, '--json'], plane.cliEnv);
    expect(reg.json()).toMatchObject({ kind: 'ssh', auth: 'key' });
    record('cli server register', reg.stdout + reg.stderr);
    const sid = reg.json<{ id: string }>().id;
    const badReg = await runCli(['server', 'register', 'canary-bad', '--host', node.host, '--key', keyFile, '--passphrase', PASSPHRASE_CANARY, '--host-key', 'SHA256:nope', '--json'], plane.cliEnv);
    expect(badReg.code).not.toBe(0);
    record('cli server register (error case)', badReg.stdout + badReg.stderr);
    const tested = await runCli(['server', 'test', sid, '--json'], plane.cliEnv);
    expect(tested.json<{ ok: boolean }>().ok).toBe(false);
    record('cli server test', tested.stdout + tested.stderr);

    // Deploy: the container gets the value (it answers its sha256 through the proxy).
    const first = await deploy(plane, { name: 'canary', source, network: { internalPort: 3000 } });
    expect(first.status).toBe('succeeded');
    expect(first.resourceId).toBe(rid);
    expect((await viaProxy(plane, first.accessUrl!, '/hash')).body).toBe(sha);

    // A failure: verify fails, the previous version keeps serving.
    await call(plane, 'PATCH', `/api/resources/${rid}`, { health: { path: '/nope', timeoutSeconds: 3, intervalMs: 100 } });
    const failed = await deploy(plane, { name: 'canary', source });
    expect(['failed', 'rolled-back']).toContain(failed.status);
    expect(failed.error?.code).toBeTruthy();

    // Recovery: the retry command when it exists, and a fixed redeploy.
    const r = await plane.client.call(findOperation('deployments.retry')!, { id: failed.id });
    record('retry', JSON.stringify(r));
    if (r.ok && typeof (r.data as { id?: string }).id === 'string') await waitTerminal(plane, (r.data as { id: string }).id);
    await call(plane, 'PATCH', `/api/resources/${rid}`, { health: { path: '/', timeoutSeconds: 30, intervalMs: 100 } });
    const recovered = await deploy(plane, { name: 'canary', source });
    expect(recovered.status).toBe('succeeded');
    expect((await viaProxy(plane, recovered.accessUrl!, '/hash')).body).toBe(sha);

    // Every query on every surface: MCP for all of them, with the ids they take.
    const deploymentIds = [first.id, failed.id, recovered.id];
    for (const op of ['servers.show', 'servers.test', 'servers.list', 'audit-events.list']) {
      const result = await mcp.callTool({ name: toolName(findOperation(op)!), arguments: op === 'servers.list' ? {} : op === 'audit-events.list' ? { aggregate: sid } : { id: sid } });
      record(`mcp ${op} ${sid}`, JSON.stringify(result));
    }
    const auditIds = (await call<{ items: { id: string }[] }>(plane, 'GET', `/api/audit-events?aggregate=${rid}`)).body.items.map((i) => i.id);
    const window = { from: isoAgo(3_600_000), to: isoIn(60_000) };
    const argsFor = (name: string): Record<string, unknown>[] => {
      const group = name.split('.')[0]!;
      const ids = group === 'deployments' || group === 'work' ? deploymentIds : group === 'resources' || group === 'secrets' || group === 'diagnostics' ? [rid] : [rid, first.id];
      return ids.flatMap((id) => [
        { id, resourceId: rid, deploymentId: id, aggregate: id === first.id ? id : rid, eventId: auditIds.at(-1), ...window, limit: 1000, category: 'audit-events', cursor: 0 },
        { id },
        { resourceId: rid },
        { aggregate: rid },
        { ...window, limit: 1000 },
        {},
      ]);
    };
    for (const op of OPERATIONS.filter((o) => o.kind === 'query')) {
      for (const args of argsFor(op.name)) {
        const shape = (op.input as unknown as { shape?: Record<string, unknown> }).shape ?? {};
        const fitted = Object.fromEntries(Object.entries(args).filter(([k]) => k in shape));
        const result = await mcp.callTool({ name: toolName(op), arguments: fitted });
        record(`mcp ${op.name} ${JSON.stringify(fitted)}`, JSON.stringify(result));
      }
    }
    // Event streams over SSE, and the CLI in both renderings.
    for (const id of deploymentIds) {
      const opened = await plane.client.stream(findOperation('deployments.events')!, { id, cursor: 0, follow: true });
      if (opened.ok) for await (const e of opened.envelopes) record(`sse ${id}`, JSON.stringify(e));
    }
    const exported = await plane.client.stream(findOperation('audit-events.export-global')!, { ...window, limit: 100_000, follow: true });
    if (exported.ok) for await (const e of exported.envelopes) record('sse export-global', JSON.stringify(e));
    const cliRuns = [
      ['resource', 'secret', 'list', rid],
      ['resource', 'show', rid],
      ['resource', 'list'],
      ['deployments', 'list'],
      ...deploymentIds.flatMap((id) => [['deployments', 'show', id], ['deployments', 'events', id, '--follow'], ['work', 'show', id]]),
      ['work', 'list'],
      ['server', 'show', sid],
      ['server', 'list'],
      ['server', 'test', sid],
      ['audit-event', 'list', '--aggregate', sid],
      ['audit-event', 'export', '--aggregate', sid, '--limit', '1000'],
      ['audit-event', 'list', '--aggregate', rid],
      ['audit-event', 'export', '--aggregate', rid, '--limit', '1000'],
      ['audit-event', 'export-global', '--from', window.from, '--to', window.to, '--limit', '100000', '--follow'],
      ['audit-event', 'show', auditIds.at(-1)!, '--aggregate', rid],
      [...findOperation('resources.logs')!.cli.words, rid],
      ...deploymentIds.map((id) => [...findOperation('deployments.provider-log')!.cli.words, id]),
    ];
    for (const args of cliRuns) {
      for (const json of [true, false]) {
        const r = await runCli([...args, ...(json ? ['--json'] : [])], plane.cliEnv);
        record(`cli ${args.join(' ')}`, r.stdout + r.stderr);
      }
    }
    const listed = await call<{ items: { name: string }[] }>(plane, 'GET', `/api/resources/${rid}/secrets`);
    expect(listed.body.items.map((i) => i.name)).toEqual(['CANARY_SECRET']);

    expect(seen.length).toBeGreaterThan(100);
    expect(seen.filter((s) => leaks(s)).map((s) => s.split('\n')[0])).toEqual([]);
    expect(logged.filter((l) => leaks(l))).toEqual([]);
  });

  it('is not in the store at rest, nor in any file under the state directory', async () => {
    const settings = plane.settings;
    await mcp.close();
    await plane.close();
    const hits: string[] = [];
    if (settings.databaseUrl) {
      const tables = await rawSql<{ t: string }>(settings, "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
      for (const { t } of tables) {
        const rows = await rawSql<{ r: string }>(settings, `SELECT x::text AS r FROM "${t}" x`);
        if (rows.some((row) => leaks(row.r))) hits.push(t);
      }
      expect(tables.length).toBeGreaterThan(10);
    }
    const needles = CANARIES.map((c) => Buffer.from(c));
    for (const f of filesUnder(settings.home)) {
      const bytes = readFileSync(f);
      if (needles.some((n) => bytes.includes(n))) hits.push(f);
    }
    expect(hits).toEqual([]);
    const sealed = settings.databaseUrl ? undefined : filesUnder(settings.home).some((f) => f.endsWith('secret.key'));
    if (sealed !== undefined) expect(sealed).toBe(true);
  });
});
