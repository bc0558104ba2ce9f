import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { processAlive } from './process-alive.js';

// The one pid-file lock (the state store's and the edge proxy's): a file created with O_EXCL
// holding the owner's pid. A lock whose holder died is stale and is taken over; a live holder's
// lock is never touched, however long it is held.

/** Locks this process holds: a lock file naming this pid but not in here is a leftover. */
const heldHere = new Set<string>();

/** An empty lock is a holder between create and write, unless it has stayed empty this long. */
const EMPTY_GRACE_MS = 1_000;

export interface PidLock {
  release(): void;
}

export type PidLockAttempt = ({ acquired: true } & PidLock) | { acquired: false; holderPid: number | null };

/** One try at the lock; never waits. */
export function tryPidLock(file: string): PidLockAttempt {
  let holderPid: number | null = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { acquired: true, release: holdLock(file) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const text = readIfExists(file);
    if (text === undefined) continue; // released between our open and read: try again
    const pid = Number.parseInt(text, 10);
    holderPid = Number.isFinite(pid) && pid > 0 ? pid : null;
    if (holderLive(file, holderPid)) return { acquired: false, holderPid };
    try {
      unlinkSync(file); // stale: its holder is gone
    } catch {
      // someone else took it over first; the next try decides
    }
  }
  return { acquired: false, holderPid };
}

function holderLive(file: string, pid: number | null): boolean {
  if (pid === null) return ageMs(file) <= EMPTY_GRACE_MS;
  if (pid === process.pid) return heldHere.has(file);
  return processAlive(pid);
}

function holdLock(file: string): () => void {
  heldHere.add(file);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    heldHere.delete(file);
    process.off('exit', release);
    if (readIfExists(file) === String(process.pid)) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', release);
  return release;
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
