import { BerthError } from '../../core/errors/berth-error.js';
import { tryPidLock, type PidLock } from '../../platform/pid-lock.js';

// PGlite is single-process: two processes on one data directory silently lose writes. The
// pid-file lock (platform/pid-lock.ts) refuses a live holder with state_store_locked, including
// a second open from this same process.

export type HeldLock = PidLock;

export function acquireLock(lockFile: string): HeldLock {
  const got = tryPidLock(lockFile);
  if (got.acquired) return got;
  throw new BerthError('state_store_locked', 'The embedded state store is in use by another process.', { lockFile, ...(got.holderPid ? { holderPid: got.holderPid } : {}) });
}
