import { describe, expect, it } from 'vitest';
import { BerthError, errorObject } from '../../../src/core/errors/berth-error.js';
import { LOCK_DEFAULTS, MAX_STALE_AFTER_SECONDS, isStale, newLock, nextLockStep, parseLock, sameHolder, type LockRecord } from '../../../src/core/remote-state/lock.js';
import { STDERR_LIMIT, capacityVerdict, judgeMarker, layoutMarker, rootFailure } from '../../../src/core/remote-state/root.js';

const t0 = new Date('2026-03-01T10:00:00.000Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe('remote state lock rules', () => {
  const lock = newLock({ owner: 'cp-a', correlationId: 'dep_1', now: t0, staleAfterSeconds: 30 });

  it('a lock is stale only once its heartbeat is older than its window', () => {
    expect(isStale(lock, at(29))).toBe(false);
    expect(isStale(lock, at(30))).toBe(false);
    expect(isStale(lock, at(31))).toBe(true);
    // A heartbeat from a clock ahead of ours is fresh, not stale.
    expect(isStale(lock, at(-100))).toBe(false);
  });

  it('an absurd window is capped, a missing one defaults', () => {
    const forever = { ...lock, staleAfterSeconds: 10 ** 9 };
    expect(isStale(forever, at(MAX_STALE_AFTER_SECONDS + 1))).toBe(true);
    const none = { ...lock, staleAfterSeconds: 0 };
    expect(isStale(none, at(LOCK_DEFAULTS.staleAfterSeconds - 1))).toBe(false);
    expect(isStale(none, at(LOCK_DEFAULTS.staleAfterSeconds + 1))).toBe(true);
  });

  it('creates when free, recovers when stale, waits within the bound, then times out with the five details', () => {
    expect(nextLockStep({ held: null, now: t0, startedAt: t0, waitSeconds: 60 })).toEqual({ kind: 'create' });
    expect(nextLockStep({ held: lock, now: at(31), startedAt: at(31), waitSeconds: 60 }).kind).toBe('recover-stale');
    const wait = nextLockStep({ held: lock, now: at(5), startedAt: at(4), waitSeconds: 60, pollMs: 500 });
    expect(wait).toEqual({ kind: 'wait', delayMs: 500 });
    // Never sleeps past the bound.
    const last = nextLockStep({ held: lock, now: at(5), startedAt: at(0), waitSeconds: 5.2, pollMs: 10_000 });
    expect(last.kind).toBe('wait');
    expect(last.kind === 'wait' && last.delayMs).toBeLessThanOrEqual(200);
    const out = nextLockStep({ held: lock, now: at(20), startedAt: at(10), waitSeconds: 10 });
    expect(out.kind).toBe('timeout');
    const err = (out as { error: BerthError }).error;
    expect(err).toBeInstanceOf(BerthError);
    const o = err.toObject();
    expect(o).toMatchObject({ code: 'infra_error', phase: 'remote-state-lock', category: 'infra', retryable: true });
    expect(o.details).toEqual({ lockOwner: 'cp-a', correlationId: 'dep_1', lockHeartbeatAt: t0.toISOString(), staleAfterSeconds: 30, waitedSeconds: 10 });
  });

  it('a waiter wakes when the held lock would turn stale', () => {
    const step = nextLockStep({ held: lock, now: at(29.9), startedAt: at(0), waitSeconds: 60, pollMs: 5_000 });
    expect(step.kind === 'wait' && step.delayMs).toBeLessThanOrEqual(101);
  });

  it('an unreadable lock body is held by nobody known and ages from its mtime', () => {
    const parsed = parseLock('', at(-10));
    expect(parsed).toMatchObject({ owner: 'unknown', heartbeatAt: at(-10).toISOString(), staleAfterSeconds: LOCK_DEFAULTS.staleAfterSeconds });
    expect(isStale(parsed, t0)).toBe(false);
    expect(parseLock(JSON.stringify(lock), t0)).toEqual(lock);
  });

  it('holders are compared by owner and correlation', () => {
    const later: LockRecord = { ...lock, heartbeatAt: at(5).toISOString() };
    expect(sameHolder(lock, later)).toBe(true);
    expect(sameHolder(lock, { ...lock, correlationId: 'dep_2' })).toBe(false);
    expect(sameHolder(lock, { ...lock, owner: 'cp-b' })).toBe(false);
  });
});

describe('remote state root rules', () => {
  it('capacity gives its reason before anything is written', () => {
    const ok = { freeBytes: 10 * 1024 * 1024, freeInodes: 1000, totalInodes: 2000, readOnly: false };
    expect(capacityVerdict(ok)).toBeNull();
    expect(capacityVerdict({ ...ok, readOnly: true })).toBe('read-only');
    expect(capacityVerdict({ ...ok, freeBytes: 4096 })).toBe('disk-full');
    expect(capacityVerdict({ ...ok, freeInodes: 3 })).toBe('inodes-exhausted');
    // Filesystems that do not count inodes report zero of them.
    expect(capacityVerdict({ ...ok, freeInodes: 0, totalInodes: 0 })).toBeNull();
  });

  it('the marker of this layout version is current; any other is incompatible', () => {
    expect(judgeMarker(layoutMarker(t0))).toEqual({ kind: 'current' });
    expect(judgeMarker(JSON.stringify({ format: 'berth-state-root', version: 99 }))).toEqual({ kind: 'incompatible', found: 99 });
    expect(judgeMarker('PG_VERSION 15')).toEqual({ kind: 'incompatible', found: null });
  });

  it('a root failure is infra_error in remote-state-resolution with bounded, scrubbed stderr', () => {
    const err = rootFailure({ host: '127.0.0.2', port: 22, stateRoot: '/var/lib/berth', reason: 'disk-full', stderr: `${'x'.repeat(5000)} https://user:hunter2@example.com/repo` });
    const o = err.toObject();
    expect(o).toMatchObject({ code: 'infra_error', phase: 'remote-state-resolution', retryable: false, actionability: 'run-diagnostic' });
    expect(o.details).toMatchObject({ stateBackend: 'ssh', host: '127.0.0.2', port: 22, exitCode: null, reason: 'disk-full' });
    const stderr = o.details.stderr as string;
    expect(stderr.length).toBeLessThanOrEqual(STDERR_LIMIT + 1);
    expect(stderr).not.toContain('hunter2');
  });

  it('the two phases of infra_error carry different knowledge', () => {
    const lockK = errorObject('infra_error', 'm', {}, 'remote-state-lock');
    const rootK = errorObject('infra_error', 'm', {}, 'remote-state-resolution');
    expect(lockK.retryable).toBe(true);
    expect(rootK.retryable).toBe(false);
    expect(lockK.remedies).not.toEqual(rootK.remedies);
    expect(lockK.remedies.map((r) => r.command)).toContain('berth remote-state lock inspect --server <name>');
  });
});
