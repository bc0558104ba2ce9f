import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { BerthError } from '../../core/errors/berth-error.js';
import { processAlive } from '../../platform/process-alive.js';

// PGlite is single-process: two processes on one data directory silently lose writes. The lock
// is a file created with O_EXCL holding the owner's pid; a lock whose pid is dead is stale and
// is taken over, a live one is refused with state_store_locked.

/** Locks this process holds: a second open from the same process is refused too. */
const heldHere = new Set<string>();

export interface HeldLock {
  release(): void;
}

export function acquireLock(lockFile: string): HeldLock {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldHere.add(lockFile);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        heldHere.delete(lockFile);
        try {
          if (readFileSync(lockFile, 'utf8').trim() === String(process.pid)) unlinkSync(lockFile);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = Number.parseInt(readFileSync(lockFile, 'utf8').trim(), 10);
      } catch {
        continue; // removed between our open and read: try again
      }
      const ours = holder === process.pid;
      if (Number.isFinite(holder) && ((ours && heldHere.has(lockFile)) || (!ours && processAlive(holder)))) {
        throw new BerthError('state_store_locked', 'The embedded state store is in use by another process.', { lockFile, holderPid: holder });
      }
      try {
        unlinkSync(lockFile); // stale: its owner is gone
      } catch {
        // someone else took it over first; loop decides
      }
    }
  }
  throw new BerthError('state_store_locked', 'The embedded state store lock could not be taken.', { lockFile });
}
