import type { LockRecord } from '../core/remote-state/lock.js';
import type { JournalRecord } from '../core/remote-state/root.js';
import type { Server } from '../core/model/records.js';

// A server's state root as the engine and the operations use it: prepared once, then every
// mutation on the server runs under its lock and leaves a journal line.

export interface LockInspection {
  stateRoot: string;
  /** The layout marker's version, or null when the root was never prepared. */
  layoutVersion: number | null;
  lock: LockRecord | null;
  stale: boolean | null;
  secondsUntilStale: number | null;
  /** Lines in the journal (0 when absent). */
  journalRecords: number;
}

export interface RecoveredLock {
  lock: LockRecord;
  /** Path of the archived metadata, under backups/. */
  archivedAs: string;
}

export interface HeldLock {
  readonly lock: LockRecord;
  /** A stale lock this acquisition recovered first; its caller records the audit event and work item. */
  readonly recovered: RecoveredLock | null;
  /** Rewrites the heartbeat; throws infra_error (remote-state-lock) when the lock is no longer ours. */
  heartbeat(): Promise<void>;
  /** Removes the lock only if it is still ours. */
  release(): Promise<void>;
}

export interface AcquireOptions {
  /** Bound on the wait for a held lock (default 60 s). */
  waitSeconds?: number;
  staleAfterSeconds?: number;
  pollMs?: number;
  signal?: AbortSignal;
}

export interface RemoteStateRoot {
  readonly host: string;
  readonly port: number;
  readonly stateRoot: string;
  /** Creates the layout when absent; throws infra_error (remote-state-resolution) with its reason. */
  prepare(): Promise<void>;
  /** Reads only: never creates, writes or touches anything on the server. */
  inspect(): Promise<LockInspection>;
  /** Takes the lock, waiting within the bound; a stale lock is recovered (archived) first. */
  acquire(correlationId: string, opts?: AcquireOptions): Promise<HeldLock>;
  /** Archives a stale lock's metadata and removes it; refuses an active one (remote_state_lock_active). Null when there is no lock. */
  recoverStale(correlationId: string): Promise<RecoveredLock | null>;
  /** Appends one record to the journal. */
  appendJournal(record: Omit<JournalRecord, 'at' | 'owner'> & { at?: string }): Promise<void>;
}

export interface RemoteStateRoots {
  /** The state root of a registered server; throws server_unsupported where none can be reached. */
  forServer(server: Server): Promise<RemoteStateRoot>;
}
