import { BerthError } from '../errors/berth-error.js';

// The server's state-root lock: who holds it, for which attempt or work item, and how long its
// heartbeat may age before the lock counts as abandoned. Every mutation on a server runs under
// it; an active lock is never stolen, only a stale one is recovered (its metadata archived).

export interface LockRecord {
  /** The control plane holding the lock. */
  owner: string;
  /** The attempt or work item the lock was taken for. */
  correlationId: string;
  /** ISO time of the last heartbeat. */
  heartbeatAt: string;
  staleAfterSeconds: number;
  acquiredAt: string;
  /** The machine of the holding control plane, for the operator's eyes only. */
  host?: string;
}

export const LOCK_DEFAULTS = {
  /** How long a mutation waits for a held lock before giving up. */
  waitSeconds: 60,
  /** How long a heartbeat may age before the lock is stale. */
  staleAfterSeconds: 120,
  /** How often a waiter looks at the lock again. */
  pollMs: 500,
} as const;

/** A lock claiming a window longer than this is treated as if it claimed this (an old client, a typo). */
export const MAX_STALE_AFTER_SECONDS = 3600;

/** How often the holder rewrites its heartbeat: well inside the stale window. */
export function heartbeatIntervalMs(lock: Pick<LockRecord, 'staleAfterSeconds'>): number {
  return Math.max(1000, Math.floor((effectiveStaleAfter(lock) * 1000) / 4));
}

function effectiveStaleAfter(lock: Pick<LockRecord, 'staleAfterSeconds'>): number {
  const s = lock.staleAfterSeconds;
  return Number.isFinite(s) && s > 0 ? Math.min(s, MAX_STALE_AFTER_SECONDS) : LOCK_DEFAULTS.staleAfterSeconds;
}

/** Stale: the heartbeat is older than the stale window. A heartbeat in the future is fresh. */
export function isStale(lock: Pick<LockRecord, 'heartbeatAt' | 'staleAfterSeconds'>, now: Date): boolean {
  const beat = Date.parse(lock.heartbeatAt);
  if (Number.isNaN(beat)) return true;
  return now.getTime() - beat > effectiveStaleAfter(lock) * 1000;
}

/** Seconds until a held lock turns stale (0 when it already is). */
export function secondsUntilStale(lock: Pick<LockRecord, 'heartbeatAt' | 'staleAfterSeconds'>, now: Date): number {
  const beat = Date.parse(lock.heartbeatAt);
  if (Number.isNaN(beat)) return 0;
  return Math.max(0, (beat + effectiveStaleAfter(lock) * 1000 - now.getTime()) / 1000);
}

export function newLock(x: { owner: string; correlationId: string; now: Date; staleAfterSeconds?: number; host?: string }): LockRecord {
  const at = x.now.toISOString();
  return {
    owner: x.owner,
    correlationId: x.correlationId,
    heartbeatAt: at,
    staleAfterSeconds: x.staleAfterSeconds ?? LOCK_DEFAULTS.staleAfterSeconds,
    acquiredAt: at,
    ...(x.host ? { host: x.host } : {}),
  };
}

/** The same holder: owner and correlation both match (a heartbeat or release touches only its own lock). */
export function sameHolder(a: Pick<LockRecord, 'owner' | 'correlationId'>, b: Pick<LockRecord, 'owner' | 'correlationId'>): boolean {
  return a.owner === b.owner && a.correlationId === b.correlationId;
}

/** The same lock file contents as judged earlier: holder and heartbeat unchanged. */
export function sameLock(a: LockRecord, b: LockRecord): boolean {
  return sameHolder(a, b) && a.heartbeatAt === b.heartbeatAt && a.acquiredAt === b.acquiredAt;
}

/**
 * Reads a lock body. A body that is not a lock (a holder that crashed between creating the file
 * and writing it, or foreign content) is held by nobody known, and its heartbeat is the file's
 * modification time: it ages out like any other lock and is never stolen before.
 */
export function parseLock(text: string, mtime: Date): LockRecord {
  try {
    const v = JSON.parse(text) as Partial<Record<keyof LockRecord, unknown>>;
    if (typeof v.owner === 'string' && typeof v.correlationId === 'string' && typeof v.heartbeatAt === 'string' && !Number.isNaN(Date.parse(v.heartbeatAt)) && typeof v.staleAfterSeconds === 'number') {
      return {
        owner: v.owner,
        correlationId: v.correlationId,
        heartbeatAt: v.heartbeatAt,
        staleAfterSeconds: v.staleAfterSeconds,
        acquiredAt: typeof v.acquiredAt === 'string' ? v.acquiredAt : v.heartbeatAt,
        ...(typeof v.host === 'string' ? { host: v.host } : {}),
      };
    }
  } catch {
    // not JSON: falls through to the unknown holder
  }
  const at = mtime.toISOString();
  return { owner: 'unknown', correlationId: 'unknown', heartbeatAt: at, staleAfterSeconds: LOCK_DEFAULTS.staleAfterSeconds, acquiredAt: at };
}

export function serializeLock(lock: LockRecord): string {
  return `${JSON.stringify(lock)}\n`;
}

export type LockStep =
  | { kind: 'create' }
  | { kind: 'recover-stale'; lock: LockRecord }
  | { kind: 'wait'; delayMs: number }
  | { kind: 'timeout'; error: BerthError };

/**
 * What an acquirer does next, given the lock it sees now: create it when absent, recover it when
 * stale, wait (never past the bound) while it is active, and give up with `infra_error` in phase
 * `remote-state-lock` once the bound is spent.
 */
export function nextLockStep(x: { held: LockRecord | null; now: Date; startedAt: Date; waitSeconds: number; pollMs?: number }): LockStep {
  if (!x.held) return { kind: 'create' };
  if (isStale(x.held, x.now)) return { kind: 'recover-stale', lock: x.held };
  const waitedMs = x.now.getTime() - x.startedAt.getTime();
  const leftMs = x.waitSeconds * 1000 - waitedMs;
  if (leftMs <= 0) return { kind: 'timeout', error: lockTimeoutError(x.held, waitedMs / 1000) };
  // Wake no later than the bound, and no later than the moment the lock would turn stale.
  const untilStaleMs = secondsUntilStale(x.held, x.now) * 1000 + 1;
  return { kind: 'wait', delayMs: Math.max(1, Math.min(x.pollMs ?? LOCK_DEFAULTS.pollMs, leftMs, untilStaleMs)) };
}

export function lockTimeoutError(held: LockRecord, waitedSeconds: number): BerthError {
  return new BerthError(
    'infra_error',
    'The server state root is locked by another control plane or attempt; the wait for it timed out.',
    {
      lockOwner: held.owner,
      correlationId: held.correlationId,
      lockHeartbeatAt: held.heartbeatAt,
      staleAfterSeconds: held.staleAfterSeconds,
      waitedSeconds: Math.round(waitedSeconds * 10) / 10,
    },
    'remote-state-lock',
  );
}

/** The archive name of a recovered lock's metadata, under backups/ (sortable by time). */
export function archivedLockName(now: Date, suffix: string): string {
  return `lock-${now.toISOString().replace(/[:.]/g, '-')}-${suffix}.json`;
}

/**
 * What a recovery records, the same whether `recover-stale` or a waiting deploy recovered the
 * lock: the work item's details and the `remote-state.lock-recovered` audit payload.
 */
export function lockRecoveryFacts(x: { stateRoot: string; lock: LockRecord; archivedAs: string }): Record<string, unknown> {
  return {
    stateRoot: x.stateRoot,
    lockOwner: x.lock.owner,
    lockCorrelationId: x.lock.correlationId,
    lockHeartbeatAt: x.lock.heartbeatAt,
    staleAfterSeconds: x.lock.staleAfterSeconds,
    archivedAs: x.archivedAs,
  };
}
