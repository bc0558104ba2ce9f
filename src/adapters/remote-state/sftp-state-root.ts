import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { BerthError } from '../../core/errors/berth-error.js';
import { sleep } from '../../core/time/delay.js';
import {
  LOCK_DEFAULTS,
  archivedLockName,
  isStale,
  lockRecoveryFacts,
  newLock,
  nextLockStep,
  parseLock,
  sameHolder,
  sameLock,
  secondsUntilStale,
  serializeLock,
  type LockRecord,
} from '../../core/remote-state/lock.js';
import {
  DEFAULT_STATE_ROOT,
  JOURNAL_FILE,
  LAYOUT_DIRS,
  LAYOUT_MARKER,
  LAYOUT_VERSION,
  LOCK_FILE,
  capacityVerdict,
  journalLine,
  judgeMarker,
  layoutMarker,
  rootFailure,
  type RootCapacity,
  type RootFailureReason,
} from '../../core/remote-state/root.js';
import type { AcquireOptions, HeldLock, LockInspection, RecoveredLock, RemoteStateRoot } from '../../ports/remote-state.js';
import { SFTP_STATUS, SftpFiles, ST_RDONLY, messageOf, statusOf } from './sftp-files.js';

// The state root over SFTP only: no shell command lines run on the server. The lock is a file
// created with O_CREAT|O_EXCL, so exactly one creator wins; its heartbeat is rewritten through a
// temporary file and posix-rename; a stale lock is moved (renamed) into backups/, which only one
// recoverer can do.

export interface SftpStateRootOptions {
  sftp: SFTPWrapper;
  host: string;
  port: number;
  stateRoot?: string;
  /** This control plane's id, written as the lock's owner and on every journal line. */
  owner: string;
  /** This machine's name, shown to operators inspecting the lock. */
  ownerHost?: string;
  now?: () => Date;
}

const token = () => randomBytes(6).toString('hex');

export class SftpStateRoot implements RemoteStateRoot {
  readonly host: string;
  readonly port: number;
  readonly stateRoot: string;
  private readonly files: SftpFiles;
  private readonly owner: string;
  private readonly ownerHost: string | undefined;
  private readonly now: () => Date;
  private prepared: Promise<void> | null = null;

  constructor(o: SftpStateRootOptions) {
    this.files = new SftpFiles(o.sftp);
    this.host = o.host;
    this.port = o.port;
    this.stateRoot = posix.normalize(o.stateRoot ?? DEFAULT_STATE_ROOT);
    this.owner = o.owner;
    this.ownerHost = o.ownerHost;
    this.now = o.now ?? (() => new Date());
  }

  private path(rel: string): string {
    return posix.join(this.stateRoot, rel);
  }

  private failure(reason: RootFailureReason, stderr: string): BerthError {
    return rootFailure({ host: this.host, port: this.port, stateRoot: this.stateRoot, reason, stderr });
  }

  /** The figures of the filesystem the root is (or would be created) on: its nearest existing ancestor's. */
  private async capacity(): Promise<RootCapacity | null> {
    let at = this.stateRoot;
    let v: Awaited<ReturnType<SftpFiles['statvfs']>>;
    for (;;) {
      try {
        v = await this.files.statvfs(at);
        break;
      } catch (err) {
        if (statusOf(err) !== SFTP_STATUS.NO_SUCH_FILE || at === '/') throw err;
        at = posix.dirname(at);
      }
    }
    if (!v) return null;
    const unit = v.frsize || v.bsize;
    return { freeBytes: v.bavail * unit, freeInodes: v.favail, totalInodes: v.files, readOnly: (v.flag & ST_RDONLY) !== 0 };
  }

  /** Why a request on the root failed: the status code where it says, the filesystem's figures where it does not. */
  private async classify(err: unknown, what: string): Promise<BerthError> {
    if (err instanceof BerthError) return err;
    const stderr = `${what}: ${messageOf(err)}`;
    if (statusOf(err) === SFTP_STATUS.PERMISSION_DENIED) return this.failure('permission-denied', stderr);
    const cap = await this.capacity().catch(() => null);
    // A write that failed although space is left: full in the meantime, or out of inodes exactly at zero.
    const verdict = cap ? (capacityVerdict(cap) ?? (cap.freeBytes === 0 ? 'disk-full' : cap.totalInodes > 0 && cap.freeInodes === 0 ? 'inodes-exhausted' : null)) : null;
    return this.failure(verdict ?? 'shell-failed', stderr);
  }

  private async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw await this.classify(err, what);
    }
  }

  /** Prepared once per instance; a failed preparation is tried again by the next call. */
  prepare(): Promise<void> {
    if (!this.prepared) {
      this.prepared = this.doPrepare().catch((err: unknown) => {
        this.prepared = null;
        throw err;
      });
    }
    return this.prepared;
  }

  private async doPrepare(): Promise<void> {
    // Full, inode-less or read-only roots are refused before anything is written.
    const cap = await this.guard('statvfs state root', () => this.capacity());
    const verdict = cap && capacityVerdict(cap);
    if (verdict) throw this.failure(verdict, `statvfs ${this.stateRoot}: ${cap.freeBytes} bytes and ${cap.freeInodes} inodes free${cap.readOnly ? ', mounted read-only' : ''}`);

    await this.ensureDirectory(this.stateRoot, 'state root');

    const readMarker = () => this.guard('read layout marker', () => this.files.read(this.path(LAYOUT_MARKER)));
    let marker = await readMarker();
    if (!marker) {
      // The marker is written before the directories, so directories without one are another
      // layout, unless another control plane preparing the same root wrote its marker meanwhile.
      const entries = await this.guard('list state root', () => this.files.readdir(this.stateRoot));
      const foreign = entries.filter((e) => (LAYOUT_DIRS as readonly string[]).includes(e));
      if (foreign.length > 0) {
        marker = await readMarker();
        if (!marker) throw this.failure('incompatible-layout', `${this.stateRoot} holds ${foreign.join(', ')} without a ${LAYOUT_MARKER}: an older or foreign layout`);
      } else {
        await this.guard('write layout marker', () => this.writeReplacing(this.path(LAYOUT_MARKER), layoutMarker(this.now())));
      }
    }
    if (marker) {
      const judged = judgeMarker(marker.toString('utf8'));
      if (judged.kind === 'incompatible') throw this.failure('incompatible-layout', `${LAYOUT_MARKER} has layout version ${JSON.stringify(judged.found)}; this Berth reads version ${LAYOUT_VERSION}`);
    }
    for (const dir of LAYOUT_DIRS) await this.ensureDirectory(this.path(dir), dir);
    // An existing layout may have become unwritable (ownership changed, remounted).
    const probe = this.path(`locks/.probe-${token()}`);
    await this.guard('write probe in locks', () => this.files.write(probe, 'ok\n', 'wx'));
    await this.guard('remove probe in locks', () => this.files.unlink(probe));
  }

  /**
   * The directory exists afterwards, made here or by another control plane preparing the same
   * root at the same moment (SFTP reports that lost race only as a generic failure).
   */
  private async ensureDirectory(at: string, what: string): Promise<void> {
    const found = await this.guard(`stat ${what}`, () => this.files.stat(at));
    if (!found) {
      try {
        await this.files.mkdir(at);
        return;
      } catch (err) {
        const now = await this.files.stat(at).catch(() => null);
        if (!now) throw await this.classify(err, `create ${what}`);
        if (now.isDirectory()) return;
      }
    } else if (found.isDirectory()) return;
    throw this.failure('incompatible-layout', `${at} exists and is not a directory`);
  }

  /** Temporary file, then rename over the target: readers see the old or the new bytes, never a part. */
  private async writeReplacing(path: string, data: string): Promise<void> {
    const tmp = `${path}.tmp-${token()}`;
    await this.files.write(tmp, data, 'wx');
    try {
      await this.files.posixRename(tmp, path);
    } catch (err) {
      await this.files.unlink(tmp).catch(() => undefined);
      throw err;
    }
  }

  private async readLock(): Promise<LockRecord | null> {
    const at = this.path(LOCK_FILE);
    const s = await this.files.stat(at);
    if (!s) return null;
    const body = await this.files.read(at);
    if (body === null) return null;
    return parseLock(body.toString('utf8'), new Date(s.mtime * 1000));
  }

  async inspect(): Promise<LockInspection> {
    const marker = await this.guard('read layout marker', () => this.files.read(this.path(LAYOUT_MARKER)));
    let layoutVersion: number | null = null;
    if (marker) {
      try {
        const v = (JSON.parse(marker.toString('utf8')) as { version?: unknown }).version;
        layoutVersion = typeof v === 'number' ? v : null;
      } catch {
        layoutVersion = null;
      }
    }
    const lock = await this.guard('read lock', () => this.readLock());
    const journal = await this.guard('read journal', () => this.files.read(this.path(JOURNAL_FILE)));
    const now = this.now();
    return {
      stateRoot: this.stateRoot,
      layoutVersion,
      lock,
      stale: lock ? isStale(lock, now) : null,
      secondsUntilStale: lock ? Math.round(secondsUntilStale(lock, now)) : null,
      journalRecords: journal ? journal.toString('utf8').split('\n').filter((l) => l.trim() !== '').length : 0,
    };
  }

  /** True when this call created the lock file; false when one exists. */
  private async tryCreate(lock: LockRecord): Promise<boolean> {
    const at = this.path(LOCK_FILE);
    try {
      await this.files.write(at, serializeLock(lock), 'wx');
      return true;
    } catch (err) {
      // EEXIST arrives as the generic FAILURE: the lock is there when a stat finds it.
      if (statusOf(err) === SFTP_STATUS.FAILURE && (await this.files.stat(at).catch(() => null))) return false;
      throw await this.classify(err, 'create lock');
    }
  }

  /**
   * Moves a lock judged stale into backups/. Renaming is the claim: of two recoverers only one
   * moves the file. If what was moved is not the lock that was judged (it was recovered and
   * taken again in between) and it is fresh, it is linked back, never overwriting a newer lock.
   */
  private async archive(judged: LockRecord, by: string): Promise<RecoveredLock | null> {
    const now = this.now();
    const archivedAs = this.path(`backups/${archivedLockName(now, token())}`);
    try {
      await this.files.rename(this.path(LOCK_FILE), archivedAs);
    } catch (err) {
      if (statusOf(err) === SFTP_STATUS.NO_SUCH_FILE) return null;
      throw await this.classify(err, 'archive stale lock');
    }
    const s = await this.files.stat(archivedAs);
    const body = await this.files.read(archivedAs);
    const moved = parseLock(body?.toString('utf8') ?? '', new Date((s?.mtime ?? now.getTime() / 1000) * 1000));
    if (!sameLock(moved, judged) && !isStale(moved, now)) {
      // If a third party took the lock meanwhile, the moved one stays archived; its holder's next heartbeat fails.
      const restored = await this.files.hardlink(archivedAs, this.path(LOCK_FILE)).then(() => true, () => false);
      if (restored) await this.files.unlink(archivedAs).catch(() => undefined);
      return null;
    }
    await this.appendJournal({
      correlationId: by,
      kind: 'lock-recovered',
      details: lockRecoveryFacts({ stateRoot: this.stateRoot, lock: moved, archivedAs }),
    });
    return { lock: moved, archivedAs };
  }

  async acquire(correlationId: string, opts: AcquireOptions = {}): Promise<HeldLock> {
    await this.prepare();
    const waitSeconds = opts.waitSeconds ?? LOCK_DEFAULTS.waitSeconds;
    const startedAt = this.now();
    let recovered: RecoveredLock | null = null;
    for (;;) {
      opts.signal?.throwIfAborted();
      const mine = newLock({ owner: this.owner, correlationId, now: this.now(), staleAfterSeconds: opts.staleAfterSeconds, host: this.ownerHost });
      if (await this.tryCreate(mine)) return this.held(mine, recovered);
      const held = await this.guard('read lock', () => this.readLock());
      const step = nextLockStep({ held, now: this.now(), startedAt, waitSeconds, pollMs: opts.pollMs });
      switch (step.kind) {
        case 'create':
          continue;
        case 'recover-stale':
          recovered = (await this.archive(step.lock, correlationId)) ?? recovered;
          continue;
        case 'wait':
          await sleep(step.delayMs, opts.signal);
          continue;
        case 'timeout':
          throw step.error;
      }
    }
  }

  private held(initial: LockRecord, recovered: RecoveredLock | null): HeldLock {
    let current = initial;
    const lost = (found: LockRecord | null) =>
      new BerthError(
        'infra_error',
        'The server state-root lock is no longer held by this attempt.',
        {
          lockOwner: found?.owner ?? null,
          correlationId: found?.correlationId ?? null,
          lockHeartbeatAt: found?.heartbeatAt ?? null,
          staleAfterSeconds: found?.staleAfterSeconds ?? null,
          waitedSeconds: 0,
        },
        'remote-state-lock',
      );
    return {
      get lock() {
        return current;
      },
      recovered,
      heartbeat: async () => {
        const found = await this.guard('read lock', () => this.readLock());
        if (!found || !sameHolder(found, current)) throw lost(found);
        const next = { ...current, heartbeatAt: this.now().toISOString() };
        await this.guard('rewrite lock heartbeat', () => this.writeReplacing(this.path(LOCK_FILE), serializeLock(next)));
        current = next;
      },
      release: async () => {
        const found = await this.guard('read lock', () => this.readLock());
        if (found && sameHolder(found, current)) await this.guard('remove lock', () => this.files.unlink(this.path(LOCK_FILE)));
      },
    };
  }

  async recoverStale(correlationId: string): Promise<RecoveredLock | null> {
    await this.prepare();
    for (;;) {
      const held = await this.guard('read lock', () => this.readLock());
      if (!held) return null;
      const now = this.now();
      if (!isStale(held, now)) {
        throw new BerthError('remote_state_lock_active', 'The lock is active (its heartbeat is inside the stale window); it is not recovered.', {
          lockOwner: held.owner,
          correlationId: held.correlationId,
          lockHeartbeatAt: held.heartbeatAt,
          staleAfterSeconds: held.staleAfterSeconds,
          secondsUntilStale: Math.round(secondsUntilStale(held, now)),
        });
      }
      const r = await this.archive(held, correlationId);
      if (r) return r;
    }
  }

  async appendJournal(record: { at?: string; correlationId: string; kind: string; details: Record<string, unknown> }): Promise<void> {
    const line = journalLine({ at: record.at ?? this.now().toISOString(), owner: this.owner, correlationId: record.correlationId, kind: record.kind, details: record.details });
    await this.guard('append journal', () => this.files.write(this.path(JOURNAL_FILE), line, 'a'));
  }
}
