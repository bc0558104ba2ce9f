import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SftpStateRoot } from '../../src/adapters/remote-state/sftp-state-root.js';
import { openStore } from '../../src/adapters/store/open-store.js';
import { BerthError } from '../../src/core/errors/berth-error.js';
import type { Server } from '../../src/core/model/records.js';
import { createRemoteStateRoots } from '../../src/main/remote-state.js';
import { findOperation } from '../../src/operations/catalogue.js';
import type { OperationContext } from '../../src/ports/context.js';
import { LETS_ENCRYPT_DIRECTORY } from '../../src/main/settings.js';
import type { Store } from '../../src/ports/store.js';
import { connectSftp, stateRootNode, type SftpConnection, type TestNode } from '../adapters/remote-state/testbed.js';
import { freshStore } from '../support/store.js';

// The lock commands as operations: a registered SSH server of the testbed, its state root reached
// through its sshd. The session is injected at the state-root port (the control plane's SSH
// connector is wired separately); everything on the server side is real.

const BASE = `/var/lib/berth-rsop-${randomBytes(4).toString('hex')}`;
let node: TestNode;
let store: Store;
let ctx: OperationContext;
let server: Server;
const connections: SftpConnection[] = [];

const stateRoot = join(BASE, 'berth');

async function rootAs(owner: string) {
  const c = await connectSftp(node);
  connections.push(c);
  return new SftpStateRoot({ sftp: c.sftp, host: node.host, port: node.port, stateRoot, owner });
}

function call(name: string, input: Record<string, unknown>) {
  const op = findOperation(name)!;
  return op.handler(op.input.parse(input), ctx) as Promise<Record<string, unknown>>;
}

async function rejection(p: Promise<unknown>): Promise<BerthError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(BerthError);
  return err as BerthError;
}

const filesOf = (dir: string) => Object.fromEntries(['locks/server.lock', 'journal/journal.jsonl'].map((f) => [f, { bytes: readFileSync(join(dir, f), 'utf8'), mtimeMs: statSync(join(dir, f)).mtimeMs }]));

beforeAll(async () => {
  node = stateRootNode();
  mkdirSync(BASE, { mode: 0o755 });
  chownSync(BASE, Number(execFileSync('id', ['-u', node.user], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', node.user], { encoding: 'utf8' })));
  store = await openStore(await freshStore());
  ctx = {
    store,
    actor: { kind: 'system', id: 'test' },
    now: () => new Date(),
    remoteState: { forServer: async () => rootAs('cp-operator') },
    settings: { acme: { ca: LETS_ENCRYPT_DIRECTORY } },
  } as unknown as OperationContext;
  server = (await call('servers.register', { name: 'node-one', host: node.host, port: node.port, user: node.user, agent: true })) as unknown as Server;
});

afterAll(async () => {
  for (const c of connections) c.close();
  await store?.close();
  rmSync(BASE, { recursive: true, force: true });
});

describe('remote-state lock commands', () => {
  it('inspect by name and by host reads the lock and changes nothing on the server', async () => {
    const holder = await rootAs('cp-holder');
    const held = await holder.acquire('dep_holder', { staleAfterSeconds: 2 });
    await holder.appendJournal({ correlationId: 'dep_holder', kind: 'deploy-execute', details: {} });
    const before = filesOf(stateRoot);
    const byName = await call('remote-state.lock-inspect', { server: 'node-one' });
    const byHost = await call('remote-state.lock-inspect', { serverHost: node.host });
    expect(byName).toMatchObject({ serverId: server.id, host: node.host, stateRoot, layoutVersion: 1, lock: held.lock, stale: false, journalRecords: 1 });
    expect(byHost).toMatchObject({ serverId: server.id, lock: held.lock });
    expect(filesOf(stateRoot)).toEqual(before);
    expect(readdirSync(join(stateRoot, 'backups'))).toEqual([]);
  });

  it('recover-stale refuses the active lock, then archives it once stale: audit event and remote-state work item', async () => {
    const active = await rejection(call('remote-state.lock-recover-stale', { server: server.id }));
    expect(active.code).toBe('remote_state_lock_active');
    expect(active.details).toMatchObject({ lockOwner: 'cp-holder', correlationId: 'dep_holder' });
    expect(readdirSync(join(stateRoot, 'locks'))).toEqual(['server.lock']);
    expect((await store.audit.list(server.id)).map((e) => e.type)).not.toContain('remote-state.lock-recovered');

    await new Promise((r) => setTimeout(r, 2600));
    const journalBefore = readFileSync(join(stateRoot, 'journal/journal.jsonl'), 'utf8');
    const out = await call('remote-state.lock-recover-stale', { serverHost: node.host });
    expect(out).toMatchObject({ serverId: server.id, recovered: true, lock: { owner: 'cp-holder', correlationId: 'dep_holder' } });
    expect(readdirSync(join(stateRoot, 'locks'))).toEqual([]);
    expect(readdirSync(join(stateRoot, 'backups'))).toEqual([String(out.archivedAs).split('/').at(-1)]);
    expect(readFileSync(join(stateRoot, 'journal/journal.jsonl'), 'utf8').startsWith(journalBefore)).toBe(true);

    const work = await store.work.get(String(out.workId));
    expect(work).toMatchObject({ kind: 'remote-state', status: 'succeeded', serverId: server.id, details: { recovered: true, lockOwner: 'cp-holder' } });
    const events = await store.audit.list(server.id);
    expect(events.map((e) => e.type)).toContain('remote-state.lock-recovered');

    // Nothing left to recover: no new work, no new event.
    expect(await call('remote-state.lock-recover-stale', { server: 'node-one' })).toMatchObject({ recovered: false, workId: null });
  });

  it('names the server with exactly one of server and serverHost, and only a registered one', async () => {
    expect((await rejection(call('remote-state.lock-inspect', {}))).code).toBe('validation_failed');
    expect((await rejection(call('remote-state.lock-inspect', { server: 'node-one', serverHost: node.host }))).code).toBe('validation_failed');
    expect((await rejection(call('remote-state.lock-inspect', { serverHost: '127.0.0.254' }))).code).toBe('server_not_found');
  });

  it('the control plane without an SSH connector refuses with server_unsupported, and the local server has no remote root', async () => {
    const roots = createRemoteStateRoots({ home: '/nonexistent-home' });
    const e = await rejection(roots.forServer(server));
    expect(e.code).toBe('server_unsupported');
    expect(e.details).toMatchObject({ serverId: server.id, serverKind: 'ssh' });
    const local = await rejection(roots.forServer({ ...server, kind: 'local', host: null }));
    expect(local.code).toBe('server_unsupported');
  });
});
