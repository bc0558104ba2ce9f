import { createServer, type Server } from 'node:net';
import { utils } from 'ssh2';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BerthError } from '../../src/core/errors/berth-error.js';
import { Ssh2Connector } from '../../src/adapters/ssh/connector.js';
import { serverCtl, sshdServing, sshTarget, tcpConnectionsTo, testbedMissing, testServer } from '../support/testbed.js';
import { waitFor } from '../support/docker.js';

// The connector against a real sshd (node 2 of the testbed: this file stops and starts it, so
// the engine tests use node 1).

const N = 2;

async function failure(p: Promise<unknown>): Promise<BerthError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BerthError);
  return e as BerthError;
}

/** A TCP server that answers in its own way (silence, or a close) instead of SSH. */
async function fakePort(onConn: 'silent' | 'close'): Promise<{ server: Server; port: number }> {
  const server = createServer((sock) => (onConn === 'close' ? sock.destroy() : sock.on('error', () => undefined)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as { port: number }).port };
}

describe.skipIf(testbedMissing)('SSH connector (real sshd)', () => {
  const connector = new Ssh2Connector();
  const server = testbedMissing ? undefined! : testServer(N);
  const mine = () => tcpConnectionsTo(server.host, server.port).filter((c) => c.pid === process.pid);

  beforeAll(() => serverCtl('start-sshd', N));
  // Each test counts its own connections: none of an earlier test's stay open.
  beforeEach(() => connector.closeAll());
  afterEach(() => serverCtl('start-sshd', N));
  afterAll(() => connector.closeAll());

  it('reuses one TCP connection for every session, exec, forward and sftp of a server', async () => {
    const target = sshTarget(server, { serverId: 'srv_reuse' });
    const s1 = await connector.session(target);
    expect(s1.hostKey).toBe(server.hostKeyFingerprint);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => s1.exec(['echo', String(i)])));
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
    const s2 = await connector.session(target);
    const banner = await new Promise<string>((resolve, reject) => {
      void s2.openTcp(server.host, 22).then((ch) => {
        ch.once('data', (b: Buffer) => (resolve(b.toString('latin1')), ch.destroy()));
      }, reject);
    });
    expect(banner).toMatch(/^SSH-2\.0-/);
    const sftp = await s2.sftp();
    expect(await s1.sftp()).toBe(sftp);
    expect(mine()).toHaveLength(1);
  });

  it('runs a fixed argv through the login shell without expanding anything', async () => {
    const s = await connector.session(sshTarget(server, { serverId: 'srv_exec' }));
    const args = ['a b', "it's", '$HOME', '`id`', '"; exit 7; "', '*', ''];
    const r = await s.exec(['printf', '%s|', ...args]);
    expect(r).toEqual({ exitCode: 0, stdout: `${args.join('|')}|`, stderr: '' });
    expect((await s.exec(['sh', '-c', 'echo oops >&2; exit 3'])).exitCode).toBe(3);
    expect((await s.exec(['sh', '-c', 'echo oops >&2; exit 3'])).stderr).toBe('oops\n');
    const slow = await failure(s.exec(['sleep', '5'], { timeoutMs: 300 }));
    expect(slow.code).toBe('step_deadline_exceeded');
  });

  it('reconnects on the next call after its connection dropped (server side killed, or drop)', async () => {
    const target = sshTarget(server, { serverId: 'srv_drop' });
    const s = await connector.session(target);
    await s.exec(['true']);
    const [before, ...others] = mine();
    expect(others).toEqual([]);
    const sshd = sshdServing(server.host, server.port, before!.localPort)!;
    process.kill(sshd, 'SIGTERM');
    await waitFor('the connection to close', async () => !tcpConnectionsTo(server.host, server.port).some((c) => c.localPort === before!.localPort));
    // The same session object, held across the drop, works on a fresh connection.
    expect((await s.exec(['echo', 'again'])).stdout).toBe('again\n');
    const after = mine();
    expect(after).toHaveLength(1);
    expect(after[0]!.localPort).not.toBe(before!.localPort);

    connector.drop('srv_drop');
    await waitFor('the dropped connection to close', async () => !tcpConnectionsTo(server.host, server.port).some((c) => c.localPort === after[0]!.localPort));
    expect((await s.exec(['echo', 'third'])).stdout).toBe('third\n');
    expect(mine().map((c) => c.localPort)).not.toContain(after[0]!.localPort);
  });

  it('refuses a server whose host key is not the pinned one, naming both fingerprints', async () => {
    const wrong = 'SHA256:' + 'A'.repeat(43);
    const e = await failure(connector.session(sshTarget(server, { serverId: 'srv_mismatch', hostKey: wrong })));
    expect(e.code).toBe('ssh_host_key_mismatch');
    expect(e.details).toEqual({ host: server.host, port: server.port, expected: wrong, presented: server.hostKeyFingerprint });
  });

  it('trusts on first use only when onFirstHostKey accepts the presented fingerprint', async () => {
    const seen: string[] = [];
    const refused = await failure(connector.session(sshTarget(server, { serverId: 'srv_tofu_no', hostKey: undefined }), { onFirstHostKey: (fp) => (seen.push(fp), false) }));
    expect(refused.code).toBe('ssh_host_key_mismatch');
    expect(refused.details).toMatchObject({ expected: null, presented: server.hostKeyFingerprint });
    const s = await connector.session(sshTarget(server, { serverId: 'srv_tofu_yes', hostKey: undefined }), { onFirstHostKey: (fp) => (seen.push(fp), true) });
    expect(s.hostKey).toBe(server.hostKeyFingerprint);
    expect(seen).toEqual([server.hostKeyFingerprint, server.hostKeyFingerprint]);
    // Without a callback an unpinned server is never trusted.
    expect((await failure(connector.session(sshTarget(server, { serverId: 'srv_tofu_none', hostKey: undefined })))).code).toBe('ssh_host_key_mismatch');
  });

  it('reports a key the server does not accept as ssh_auth_failed, without the key', async () => {
    const other = utils.generateKeyPairSync('ed25519');
    const e = await failure(connector.session(sshTarget(server, { serverId: 'srv_badkey', privateKey: other.private })));
    expect(e.code).toBe('ssh_auth_failed');
    expect(e.details).toEqual({ host: server.host, port: server.port, user: server.user, methods: ['publickey'] });
    const body = other.private.split('\n')[1]!;
    expect(JSON.stringify(e.toObject())).not.toContain(body);
    expect(e.message).not.toContain(body);
  });

  it('a stopped sshd is ssh_unreachable refused; started again, the server answers', async () => {
    const target = sshTarget(server, { serverId: 'srv_stop' });
    await (await connector.session(target)).exec(['true']);
    serverCtl('stop-sshd', N);
    const e = await failure(connector.session(target).then((s) => s.exec(['true'])));
    expect(e.code).toBe('ssh_unreachable');
    expect(e.details).toEqual({ host: server.host, port: server.port, reason: 'refused' });
    serverCtl('start-sshd', N);
    expect((await (await connector.session(target)).exec(['echo', 'back'])).stdout).toBe('back\n');
  });

  it('classifies unreachable servers: closed port, unknown name, silence, early close', async () => {
    const closedPort = await failure(connector.session(sshTarget(server, { serverId: 'srv_port', port: 1 })));
    expect(closedPort.details).toEqual({ host: server.host, port: 1, reason: 'refused' });
    const dns = await failure(connector.session(sshTarget(server, { serverId: 'srv_dns', host: 'no-such-host.berth-test.invalid' })));
    expect(dns.code).toBe('ssh_unreachable');
    expect(dns.details).toEqual({ host: 'no-such-host.berth-test.invalid', port: server.port, reason: 'dns' });
    const silent = await fakePort('silent');
    const closing = await fakePort('close');
    try {
      const timeout = await failure(connector.session(sshTarget(server, { serverId: 'srv_silent', host: '127.0.0.1', port: silent.port, connectTimeoutMs: 500 })));
      expect(timeout.details).toEqual({ host: '127.0.0.1', port: silent.port, reason: 'timeout' });
      const early = await failure(connector.session(sshTarget(server, { serverId: 'srv_close', host: '127.0.0.1', port: closing.port })));
      expect(early.code).toBe('ssh_unreachable');
      expect(early.details).toEqual({ host: '127.0.0.1', port: closing.port, reason: 'closed' });
    } finally {
      silent.server.close();
      closing.server.close();
    }
  });
});
