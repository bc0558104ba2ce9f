import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { runCli } from '../support/cli.js';
import { call } from '../governance/support.js';
import { nodeDocker, testbedMissing, testServer, type TestServer } from '../support/testbed.js';

// Register and trust (issue 10): SSH servers registered through the real control plane and CLI,
// tested against testbed node 3 (no fault test stops it). Each server gets its own state root
// under BASE; nothing else on the node is touched.

type Check = { name: string; status: string; detail: Record<string, unknown>; error?: { code: string; details: Record<string, unknown> } };
type TestOut = { ok: boolean; checks: Check[]; hostKey?: { fingerprint: string; pinnedNow: boolean } };

const BASE = `/var/lib/berth-regtest-${randomBytes(4).toString('hex')}`;
let plane: TestControlPlane;
let node: TestServer;
let dir: string;
let n = 0;

async function register(extra: string[], opts: { key?: string } = {}): Promise<{ id: string; name: string; stateRoot: string }> {
  const name = `node3-${++n}`;
  const stateRoot = join(BASE, name);
  const r = await runCli(['server', 'register', name, '--host', node.host, '--port', String(node.port), '--user', node.user, '--key', opts.key ?? node.keyPath, '--state-root', stateRoot, '--docker-socket', node.dockerSocket, ...extra, '--json'], plane.cliEnv);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return r.json();
}

async function serverTest(id: string): Promise<TestOut> {
  const r = await runCli(['server', 'test', id, '--min-free-bytes', '0', '--json'], plane.cliEnv, { timeoutMs: 60_000 });
  return r.json();
}

const statuses = (t: TestOut) => t.checks.map((c) => [c.name, c.status, c.error?.code ?? null]);

describe.skipIf(testbedMissing)('server register and trust (testbed node 3)', () => {
  beforeAll(async () => {
    node = testServer(3);
    mkdirSync(BASE, { mode: 0o755 });
    const id = (flag: string) => Number(execFileSync('id', [flag, node.user], { encoding: 'utf8' }));
    chownSync(BASE, id('-u'), id('-g'));
    dir = mkdtempSync(join(tmpdir(), 'berth-regtest-'));
    plane = await startTestControlPlane();
  });
  afterAll(async () => {
    await plane?.close();
    rmSync(BASE, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('with the key file and the pinned host key: every check passes through docker, the version is the node engine', { timeout: 90_000 }, async () => {
    const s = await register(['--host-key', node.hostKeyFingerprint]);
    const shown = (await call(plane, 'GET', `/api/servers/${s.id}`)).body;
    expect(shown).toMatchObject({ kind: 'ssh', auth: 'key', hostKey: node.hostKeyFingerprint, stateRoot: s.stateRoot, httpPort: 80, baseDomain: null, dockerSocket: node.dockerSocket });
    expect(JSON.stringify(shown)).not.toContain('PRIVATE KEY');
    const t = await serverTest(s.id);
    expect(statuses(t)).toEqual([
      ['tcp', 'ok', null],
      ['host-key', 'ok', null],
      ['auth', 'ok', null],
      ['docker', 'ok', null],
      ['state-root', 'ok', null],
      ['disk', 'ok', null],
      ['proxy', 'skipped', null],
    ]);
    expect(t.ok).toBe(true);
    expect(t.hostKey).toEqual({ fingerprint: node.hostKeyFingerprint, pinnedNow: false });
    const version = await nodeDocker(node).version();
    expect(t.checks.find((c) => c.name === 'docker')!.detail).toMatchObject({ version: version.Version, apiVersion: version.ApiVersion });
    const disk = t.checks.find((c) => c.name === 'disk')!.detail;
    expect(disk).toMatchObject({ path: s.stateRoot, freeBytes: expect.any(Number), freeInodes: expect.any(Number) });
    expect(disk.freeBytes as number).toBeGreaterThan(0);
    expect(existsSync(s.stateRoot)).toBe(true);

    // The lock commands reach the registered server's state root through the control plane's connector.
    const inspect = await runCli(['remote-state', 'lock', 'inspect', '--server', s.name, '--json'], plane.cliEnv);
    expect(inspect.code, inspect.stdout + inspect.stderr).toBe(0);
    expect(inspect.json()).toMatchObject({ serverId: s.id });
  });

  it('without a host key: the first test pins the presented key and says so; the record keeps it', { timeout: 90_000 }, async () => {
    const s = await register([]);
    expect((await call(plane, 'GET', `/api/servers/${s.id}`)).body).toMatchObject({ hostKey: null });
    const first = await serverTest(s.id);
    expect(first.hostKey).toEqual({ fingerprint: node.hostKeyFingerprint, pinnedNow: true });
    expect(first.checks.find((c) => c.name === 'host-key')).toMatchObject({ status: 'ok', detail: { fingerprint: node.hostKeyFingerprint, pinnedNow: true } });
    expect((await call(plane, 'GET', `/api/servers/${s.id}`)).body).toMatchObject({ hostKey: node.hostKeyFingerprint });
    const audit = (await call<{ items: { type: string }[] }>(plane, 'GET', `/api/audit-events?aggregate=${s.id}`)).body.items.map((i) => i.type);
    expect(audit).toContain('server.host-key-pinned');
    const again = await serverTest(s.id);
    expect(again.hostKey).toEqual({ fingerprint: node.hostKeyFingerprint, pinnedNow: false });
  });

  it('two first tests at once: both pass, one of them pinned, audited once', { timeout: 90_000 }, async () => {
    const s = await register([]);
    const both = await Promise.all([serverTest(s.id), serverTest(s.id)]);
    expect(both.map((t) => t.checks.filter((c) => c.status === 'failing'))).toEqual([[], []]);
    expect(both.map((t) => t.ok)).toEqual([true, true]);
    expect(both.map((t) => t.hostKey!.pinnedNow).sort()).toEqual([false, true]);
    const audit = (await call<{ items: { type: string }[] }>(plane, 'GET', `/api/audit-events?aggregate=${s.id}`)).body.items.map((i) => i.type);
    expect(audit).toEqual(['server.registered', 'server.host-key-pinned']);
  });

  it('with a wrong host key: host-key is ssh_host_key_mismatch, the rest skipped, nothing created on the node; a confirmed re-pin fixes it', { timeout: 90_000 }, async () => {
    const wrong = `SHA256:${'A'.repeat(43)}`;
    const s = await register(['--host-key', wrong]);
    const t = await serverTest(s.id);
    expect(statuses(t)).toEqual([
      ['tcp', 'ok', null],
      ['host-key', 'failing', 'ssh_host_key_mismatch'],
      ['auth', 'skipped', null],
      ['docker', 'skipped', null],
      ['state-root', 'skipped', null],
      ['disk', 'skipped', null],
      ['proxy', 'skipped', null],
    ]);
    expect(t.checks[1]!.error!.details).toMatchObject({ expected: wrong, presented: node.hostKeyFingerprint });
    expect(existsSync(s.stateRoot)).toBe(false);

    // The lock commands refuse the server too: nothing runs on it until it is re-pinned.
    const inspect = await runCli(['remote-state', 'lock', 'inspect', '--server', s.name, '--json'], plane.cliEnv);
    expect(inspect.json<{ error: { code: string } }>().error.code).toBe('ssh_host_key_mismatch');

    // Re-pin: the confirmation must be the server id; then it is audited and the next test passes.
    const unconfirmed = await runCli(['server', 'pin-host-key', s.id, '--host-key', node.hostKeyFingerprint, '--confirm', 'server_other', '--json'], plane.cliEnv);
    expect(unconfirmed.json<{ error: { code: string } }>().error.code).toBe('confirmation_mismatch');
    expect((await call(plane, 'GET', `/api/servers/${s.id}`)).body).toMatchObject({ hostKey: wrong });
    const pinned = await runCli(['server', 'pin-host-key', s.id, '--host-key', node.hostKeyFingerprint, '--confirm', s.id, '--json'], plane.cliEnv);
    expect(pinned.code, pinned.stdout + pinned.stderr).toBe(0);
    expect(pinned.json()).toMatchObject({ id: s.id, hostKey: node.hostKeyFingerprint });
    const audit = (await call<{ items: { type: string }[] }>(plane, 'GET', `/api/audit-events?aggregate=${s.id}`)).body.items.map((i) => i.type);
    expect(audit).toEqual(['server.registered', 'server.host-key-pinned']);
    const after = await serverTest(s.id);
    expect(after.ok).toBe(true);
    expect(after.hostKey).toEqual({ fingerprint: node.hostKeyFingerprint, pinnedNow: false });
  });

  it('with a key the node does not accept: auth is ssh_auth_failed', { timeout: 60_000 }, async () => {
    const other = join(dir, 'other_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const s = await register(['--host-key', node.hostKeyFingerprint], { key: other });
    const t = await serverTest(s.id);
    expect(statuses(t).slice(0, 4)).toEqual([
      ['tcp', 'ok', null],
      ['host-key', 'ok', null],
      ['auth', 'failing', 'ssh_auth_failed'],
      ['docker', 'skipped', null],
    ]);
    expect(t.ok).toBe(false);
    expect(existsSync(s.stateRoot)).toBe(false);
  });

  it('on a port nothing listens on: tcp is ssh_unreachable refused', { timeout: 60_000 }, async () => {
    const name = `node3-closed-${++n}`;
    const r = await runCli(['server', 'register', name, '--host', node.host, '--port', '1', '--user', node.user, '--key', node.keyPath, '--json'], plane.cliEnv);
    const s = r.json<{ id: string }>();
    const t = await serverTest(s.id);
    expect(statuses(t)[0]).toEqual(['tcp', 'failing', 'ssh_unreachable']);
    expect(t.checks[0]!.error!.details).toMatchObject({ host: node.host, port: 1, reason: 'refused' });
    expect(t.checks.slice(1).every((c) => c.status === 'skipped')).toBe(true);
  });

  it('refuses bad input with a validation code naming the field', async () => {
    const base = { name: 'bad-input', host: node.host, user: node.user };
    const key = readFileSync(node.keyPath, 'utf8');
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, key, hostKey: 'SHA256:short' }, 'hostKey'],
      [{ ...base, key, hostKey: `MD5:${'A'.repeat(43)}` }, 'hostKey'],
      [{ ...base, key, agent: true }, 'agent'],
      [{ ...base }, 'key'],
      [{ ...base, key, bogus: 1 }, 'bogus'],
      [{ ...base, key, stateRoot: 'relative/path' }, 'stateRoot'],
      [{ ...base, key: 'not a key' }, 'key'],
    ];
    for (const [body, field] of cases) {
      const r = await call<{ error: { code: string; details: Record<string, unknown> } }>(plane, 'POST', '/api/servers', body);
      expect({ status: r.status, code: r.body.error.code, field, body: JSON.stringify(r.body).includes(field) }).toEqual({ status: 400, code: 'validation_failed', field, body: true });
      expect(JSON.stringify(r.body)).not.toContain('PRIVATE KEY');
    }
    const missing = await runCli(['server', 'register', 'no-key-file', '--host', node.host, '--key', join(dir, 'absent'), '--json'], plane.cliEnv);
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('source_unreadable');
  });
});
