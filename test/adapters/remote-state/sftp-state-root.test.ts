import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SftpStateRoot } from '../../../src/adapters/remote-state/sftp-state-root.js';
import { BerthError } from '../../../src/core/errors/berth-error.js';
import { newLock, serializeLock } from '../../../src/core/remote-state/lock.js';
import { LAYOUT_VERSION } from '../../../src/core/remote-state/root.js';
import { connectSftp, stateRootNode, type SftpConnection, type TestNode } from './testbed.js';

// The state root on a real server of the testbed, through its sshd's SFTP as the node's own
// (non-root) user. The test looks at the files directly as root, and provokes each root failure
// for real: a full tmpfs, a tmpfs out of inodes, a read-only bind mount, a root-owned directory.

const BASE = `/var/lib/berth-rstest-${randomBytes(4).toString('hex')}`;
let node: TestNode;
let uid: number;
let gid: number;
const connections: SftpConnection[] = [];
const mounts: string[] = [];

async function sftp() {
  const c = await connectSftp(node);
  connections.push(c);
  return c.sftp;
}

/** A fresh directory owned by the node's user, for one state root. */
function ownedDir(name: string): string {
  const dir = join(BASE, name);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  chownSync(dir, uid, gid);
  return dir;
}

async function root(stateRoot: string, owner = 'cp-test', now?: () => Date) {
  return new SftpStateRoot({ sftp: await sftp(), host: node.host, port: node.port, stateRoot, owner, ownerHost: 'test-machine', ...(now ? { now } : {}) });
}

async function rejection(p: Promise<unknown>): Promise<BerthError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(BerthError);
  return err as BerthError;
}

/** Every file and directory under dir with its bytes and modification time. */
function snapshot(dir: string): Record<string, { mtimeMs: number; bytes: string | null }> {
  const out: Record<string, { mtimeMs: number; bytes: string | null }> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      out[p] = { mtimeMs: statSync(p).mtimeMs, bytes: e.isFile() ? readFileSync(p).toString('base64') : null };
      if (e.isDirectory()) walk(p);
    }
  };
  out[dir] = { mtimeMs: statSync(dir).mtimeMs, bytes: null };
  walk(dir);
  return out;
}

const journalLines = (dir: string) =>
  readFileSync(join(dir, 'journal/journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; owner: string; correlationId: string; details: Record<string, unknown> });

beforeAll(() => {
  node = stateRootNode();
  uid = Number(execFileSync('id', ['-u', node.user], { encoding: 'utf8' }).trim());
  gid = Number(execFileSync('id', ['-g', node.user], { encoding: 'utf8' }).trim());
  mkdirSync(BASE, { mode: 0o755 });
});

afterAll(() => {
  for (const c of connections) c.close();
  for (const m of mounts.reverse()) execFileSync('umount', [m]);
  rmSync(BASE, { recursive: true, force: true });
});

describe('SFTP state root: layout', () => {
  it('prepares state, locks, backups and journal with a versioned marker, owned by the SSH user', async () => {
    const dir = join(ownedDir('layout'), 'berth');
    const r = await root(dir);
    await r.prepare();
    for (const d of ['state', 'locks', 'backups', 'journal']) {
      const s = statSync(join(dir, d));
      expect(s.isDirectory()).toBe(true);
      expect(s.uid).toBe(uid);
    }
    expect(JSON.parse(readFileSync(join(dir, 'layout.json'), 'utf8'))).toMatchObject({ format: 'berth-state-root', version: LAYOUT_VERSION });
    // Preparing again changes nothing in the layout.
    await (await root(dir)).prepare();
    expect(readdirSync(dir).sort()).toEqual(['backups', 'journal', 'layout.json', 'locks', 'state']);
  });

  it('control planes preparing one fresh root at the same moment all succeed, with one layout', async () => {
    for (let round = 0; round < 5; round++) {
      const dir = join(ownedDir(`race-${round}`), 'berth');
      const roots = await Promise.all(['cp-a', 'cp-b', 'cp-c', 'cp-d'].map((o) => root(dir, o)));
      const results = await Promise.allSettled(roots.map((r) => r.prepare()));
      expect(results.map((r) => (r.status === 'rejected' ? (r.reason as BerthError).details?.reason : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok']);
      expect(readdirSync(dir).sort()).toEqual(['backups', 'journal', 'layout.json', 'locks', 'state']);
    }
  });

  it('an unknown layout version is incompatible-layout, and so are layout directories without a marker', async () => {
    const dir = ownedDir('old-version');
    writeFileSync(join(dir, 'layout.json'), JSON.stringify({ format: 'berth-state-root', version: 99 }));
    const e = await rejection((await root(dir)).prepare());
    expect(e.toObject()).toMatchObject({ code: 'infra_error', phase: 'remote-state-resolution', retryable: false });
    expect(e.details).toMatchObject({ stateBackend: 'ssh', host: node.host, port: node.port, exitCode: null, reason: 'incompatible-layout' });

    const older = ownedDir('no-marker');
    mkdirSync(join(older, 'state'));
    chownSync(join(older, 'state'), uid, gid);
    const e2 = await rejection((await root(older)).prepare());
    expect(e2.details.reason).toBe('incompatible-layout');
    expect(readdirSync(older)).toEqual(['state']);
  });
});

describe('SFTP state root: the lock', () => {
  it('two acquirers at once: one wins, the other waits and gets the lock after release', async () => {
    const dir = join(ownedDir('contention'), 'berth');
    const a = await root(dir, 'cp-a');
    const b = await root(dir, 'cp-b');
    await a.prepare();
    const started = Date.now();
    const [first, second] = [a.acquire('dep_a', { waitSeconds: 20, pollMs: 100 }), b.acquire('dep_b', { waitSeconds: 20, pollMs: 100 })];
    const winner = await Promise.race([first.then((h) => ({ h, loser: second })), second.then((h) => ({ h, loser: first }))]);
    const onDisk = JSON.parse(readFileSync(join(dir, 'locks/server.lock'), 'utf8')) as { owner: string; correlationId: string };
    expect(onDisk).toMatchObject({ owner: winner.h.lock.owner, correlationId: winner.h.lock.correlationId, staleAfterSeconds: 120, host: 'test-machine' });
    await new Promise((r) => setTimeout(r, 1500));
    // Still waiting: nothing stole the active lock.
    expect(JSON.parse(readFileSync(join(dir, 'locks/server.lock'), 'utf8'))).toMatchObject({ owner: onDisk.owner });
    await winner.h.release();
    const other = await winner.loser;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(other.lock.owner).not.toBe(onDisk.owner);
    expect(other.recovered).toBeNull();
    expect(JSON.parse(readFileSync(join(dir, 'locks/server.lock'), 'utf8'))).toMatchObject({ owner: other.lock.owner });
    await other.release();
    expect(readdirSync(join(dir, 'locks'))).toEqual([]);
    expect(readdirSync(join(dir, 'backups'))).toEqual([]);
  });

  it('a wait past the bound is infra_error / remote-state-lock with all five details', async () => {
    const dir = join(ownedDir('timeout'), 'berth');
    const a = await root(dir, 'cp-a');
    const held = await a.acquire('dep_holder', { staleAfterSeconds: 300 });
    const b = await root(dir, 'cp-b');
    const started = Date.now();
    const e = await rejection(b.acquire('dep_waiter', { waitSeconds: 2, pollMs: 200 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(e.toObject()).toMatchObject({ code: 'infra_error', phase: 'remote-state-lock', retryable: true });
    expect(e.details).toMatchObject({ lockOwner: 'cp-a', correlationId: 'dep_holder', lockHeartbeatAt: held.lock.heartbeatAt, staleAfterSeconds: 300 });
    expect(e.details.waitedSeconds).toBeGreaterThanOrEqual(2);
    // The holder's lock is untouched.
    expect(JSON.parse(readFileSync(join(dir, 'locks/server.lock'), 'utf8'))).toEqual(held.lock);
    await held.release();
  });

  it('a heartbeat rewrites the lock in place; release never removes a lock that is not ours', async () => {
    const dir = join(ownedDir('heartbeat'), 'berth');
    const a = await root(dir, 'cp-a');
    const held = await a.acquire('dep_a');
    const before = held.lock.heartbeatAt;
    await new Promise((r) => setTimeout(r, 20));
    await held.heartbeat();
    const onDisk = JSON.parse(readFileSync(join(dir, 'locks/server.lock'), 'utf8')) as { heartbeatAt: string; acquiredAt: string };
    expect(Date.parse(onDisk.heartbeatAt)).toBeGreaterThan(Date.parse(before));
    expect(onDisk.acquiredAt).toBe(held.lock.acquiredAt);
    expect(readdirSync(join(dir, 'locks'))).toEqual(['server.lock']);

    // Someone else's lock now (as after a recovery): heartbeat fails, release leaves it alone.
    const foreign = newLock({ owner: 'cp-z', correlationId: 'dep_z', now: new Date() });
    writeFileSync(join(dir, 'locks/server.lock'), serializeLock(foreign));
    const e = await rejection(held.heartbeat());
    expect(e.toObject()).toMatchObject({ code: 'infra_error', phase: 'remote-state-lock' });
    expect(e.details).toMatchObject({ lockOwner: 'cp-z', correlationId: 'dep_z' });
    await held.release();
    expect(JSON.parse(readFileSync(join(dir, 'locks/server.lock'), 'utf8'))).toMatchObject({ owner: 'cp-z' });
  });

  it('a stale lock is recovered only after its window: archived in backups/, journal kept', async () => {
    const dir = join(ownedDir('stale'), 'berth');
    const dead = await root(dir, 'cp-dead');
    // The holder "dies": it never heartbeats and never releases.
    const abandoned = await dead.acquire('dep_dead', { staleAfterSeconds: 4 });
    await dead.appendJournal({ correlationId: 'dep_dead', kind: 'deploy-execute', details: { step: 1 } });
    const journalBefore = readFileSync(join(dir, 'journal/journal.jsonl'), 'utf8');

    const next = await root(dir, 'cp-next');
    // Not before: inside the window the lock is waited for, not taken.
    const early = await rejection(next.acquire('dep_early', { waitSeconds: 1, pollMs: 100 }));
    expect(early.details).toMatchObject({ lockOwner: 'cp-dead', correlationId: 'dep_dead', staleAfterSeconds: 4 });
    expect(readdirSync(join(dir, 'backups'))).toEqual([]);

    const held = await next.acquire('dep_next', { waitSeconds: 20, pollMs: 100 });
    expect(Date.now() - Date.parse(abandoned.lock.heartbeatAt)).toBeGreaterThan(4000);
    expect(held.recovered).not.toBeNull();
    expect(held.recovered!.lock).toEqual(abandoned.lock);
    const archived = readdirSync(join(dir, 'backups'));
    expect(archived).toHaveLength(1);
    expect(archived[0]).toMatch(/^lock-.*\.json$/);
    expect(JSON.parse(readFileSync(join(dir, 'backups', archived[0]!), 'utf8'))).toEqual(abandoned.lock);
    expect(JSON.parse(readFileSync(join(dir, 'locks/server.lock'), 'utf8'))).toMatchObject({ owner: 'cp-next', correlationId: 'dep_next' });
    const journal = readFileSync(join(dir, 'journal/journal.jsonl'), 'utf8');
    expect(journal.startsWith(journalBefore)).toBe(true);
    expect(journalLines(dir).at(-1)).toMatchObject({ kind: 'lock-recovered', owner: 'cp-next', correlationId: 'dep_next', details: { lockOwner: 'cp-dead', lockCorrelationId: 'dep_dead' } });
    await held.release();
  });

  it('recover-stale refuses an active lock and archives a stale one, keeping the journal', async () => {
    const dir = join(ownedDir('recover'), 'berth');
    const holder = await root(dir, 'cp-a');
    const held = await holder.acquire('dep_a', { staleAfterSeconds: 2 });
    await holder.appendJournal({ correlationId: 'dep_a', kind: 'deploy-route', details: {} });
    const op = await root(dir, 'cp-op');
    const e = await rejection(op.recoverStale('work_1'));
    expect(e.toObject()).toMatchObject({ code: 'remote_state_lock_active', category: 'conflict', phase: 'remote-state-lock' });
    expect(e.details).toMatchObject({ lockOwner: 'cp-a', correlationId: 'dep_a', staleAfterSeconds: 2 });
    expect(JSON.parse(readFileSync(join(dir, 'locks/server.lock'), 'utf8'))).toEqual(held.lock);

    await new Promise((r) => setTimeout(r, 2600));
    const r = await op.recoverStale('work_1');
    expect(r?.lock).toEqual(held.lock);
    expect(readdirSync(join(dir, 'locks'))).toEqual([]);
    expect(readdirSync(join(dir, 'backups'))).toHaveLength(1);
    expect(journalLines(dir).map((l) => l.kind)).toEqual(['deploy-route', 'lock-recovered']);
    // Nothing left to recover.
    expect(await op.recoverStale('work_2')).toBeNull();
  });

  it('inspect changes nothing: files, bytes and mtimes identical before and after', async () => {
    const dir = join(ownedDir('inspect'), 'berth');
    const a = await root(dir, 'cp-a');
    const held = await a.acquire('dep_a', { staleAfterSeconds: 60 });
    await a.appendJournal({ correlationId: 'dep_a', kind: 'deploy-execute', details: {} });
    const before = snapshot(dir);
    await new Promise((r) => setTimeout(r, 20));
    const seen = await (await root(dir, 'cp-b')).inspect();
    expect(seen).toMatchObject({ stateRoot: dir, layoutVersion: LAYOUT_VERSION, lock: held.lock, stale: false, journalRecords: 1 });
    expect(snapshot(dir)).toEqual(before);
    await held.release();

    // A root that was never prepared stays absent.
    const never = join(ownedDir('inspect-absent'), 'berth');
    const empty = await (await root(never)).inspect();
    expect(empty).toMatchObject({ layoutVersion: null, lock: null, stale: null, journalRecords: 0 });
    expect(readdirSync(join(BASE, 'inspect-absent'))).toEqual([]);
  });
});

describe('SFTP state root: root failures, provoked for real', () => {
  const mount = (args: string[], at: string) => {
    execFileSync('mount', [...args, at]);
    mounts.push(at);
  };

  it('a full tmpfs is disk-full', async () => {
    const dir = ownedDir('full');
    mount(['-t', 'tmpfs', '-o', `size=4m,uid=${uid},gid=${gid},mode=0755`, 'berth-rstest-full'], dir);
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${join(dir, 'fill')}`, 'bs=64k'], { stdio: 'ignore' });
    } catch {
      // dd ends with ENOSPC: the filesystem is full
    }
    const e = await rejection((await root(join(dir, 'berth'))).prepare());
    expect(e.toObject()).toMatchObject({ code: 'infra_error', phase: 'remote-state-resolution' });
    expect(e.details).toMatchObject({ stateBackend: 'ssh', host: node.host, port: node.port, exitCode: null, reason: 'disk-full' });
    expect(typeof e.details.stderr).toBe('string');
  });

  it('a tmpfs out of inodes is inodes-exhausted', async () => {
    const dir = ownedDir('inodes');
    mount(['-t', 'tmpfs', '-o', `size=16m,nr_inodes=64,uid=${uid},gid=${gid},mode=0755`, 'berth-rstest-inodes'], dir);
    for (let i = 0; ; i++) {
      try {
        writeFileSync(join(dir, `f${i}`), '');
      } catch {
        break;
      }
    }
    const e = await rejection((await root(dir)).prepare());
    expect(e.details).toMatchObject({ stateBackend: 'ssh', exitCode: null, reason: 'inodes-exhausted' });
  });

  it('a read-only bind mount is read-only', async () => {
    const src = ownedDir('ro-src');
    const dir = ownedDir('ro');
    mount(['--bind', src], dir);
    execFileSync('mount', ['-o', 'remount,bind,ro', dir]);
    const e = await rejection((await root(join(dir, 'berth'))).prepare());
    expect(e.details).toMatchObject({ stateBackend: 'ssh', exitCode: null, reason: 'read-only' });
    expect(readdirSync(src)).toEqual([]);
  });

  it('a root-owned directory is permission-denied for the SSH user', async () => {
    const dir = join(BASE, 'root-owned');
    mkdirSync(dir, { mode: 0o755 });
    const e = await rejection((await root(join(dir, 'berth'))).prepare());
    expect(e.details).toMatchObject({ stateBackend: 'ssh', host: node.host, exitCode: null, reason: 'permission-denied' });
    expect(readdirSync(dir)).toEqual([]);
    // An existing root-owned state root: its directories cannot be created either.
    const existing = join(BASE, 'root-owned-root');
    mkdirSync(existing, { mode: 0o755 });
    const e2 = await rejection((await root(existing)).prepare());
    expect(e2.details.reason).toBe('permission-denied');
  });
});
