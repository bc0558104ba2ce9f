import { newId } from '../../core/ids/ids.js';
import type { Actor, Server } from '../../core/model/records.js';
import { heartbeatIntervalMs, lockRecoveryFacts } from '../../core/remote-state/lock.js';
import { trackWork } from '../../core/work/track.js';
import type { TargetRuntime } from '../../ports/deploy-runtime.js';
import type { HeldLock } from '../../ports/remote-state.js';
import type { Store } from '../../ports/store.js';
import { auditLockRecovery } from './lock-recovery.js';

// Every mutation on an SSH server runs under its state-root lock: a deploy from execute to its
// end, a prune, a preview cleanup. The holder rewrites the heartbeat well inside the stale
// window; a lock lost meanwhile (recovered by someone who judged it stale) ends the holder's
// work through `onLost`. Targets without a lock (the local server) get a lease that does nothing.

export interface TargetLease {
  /** The lock as taken (absent on targets without one). */
  readonly held?: HeldLock;
  release(): Promise<void>;
}

export interface HoldInput {
  store: Store;
  target: TargetRuntime;
  server: Server;
  /** The attempt or work item the lock is taken for. */
  correlationId: string;
  signal: AbortSignal;
  actor: Actor;
  /** Called once when a heartbeat finds the lock no longer ours. */
  onLost: (err: unknown) => void;
  log: (msg: string, err?: unknown) => void;
  deploymentId?: string;
}

export async function holdTargetLock(x: HoldInput): Promise<TargetLease> {
  if (!x.target.lock) return { release: async () => undefined };
  const held = await x.target.lock(x.correlationId, x.signal);
  if (held.recovered) await recordRecovery(x, held).catch((err) => x.log(`lock recovery of ${x.server.id} not recorded`, err));
  let lost = false;
  const beat = setInterval(() => {
    held.heartbeat().catch((err: unknown) => {
      if (lost) return;
      lost = true;
      clearInterval(beat);
      x.onLost(err);
    });
  }, heartbeatIntervalMs(held.lock));
  beat.unref();
  return {
    held,
    release: async () => {
      clearInterval(beat);
      await held.release().catch((err: unknown) => x.log(`lock of ${x.server.id} not released`, err));
    },
  };
}

/** Runs fn under the target's lock (operations that mutate a server: prune, preview cleanup). */
export async function withTargetLock<T>(x: Omit<HoldInput, 'onLost' | 'signal'> & { signal?: AbortSignal }, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  const outer = x.signal;
  outer?.addEventListener('abort', () => ac.abort(outer.reason), { once: true });
  const lease = await holdTargetLock({ ...x, signal: ac.signal, onLost: (err) => ac.abort(err) });
  try {
    return await fn(ac.signal);
  } finally {
    await lease.release();
  }
}

/** A stale lock the acquisition recovered: a `remote-state` work item and the audit event. */
async function recordRecovery(x: HoldInput, held: HeldLock): Promise<void> {
  const recovered = held.recovered!;
  const workId = newId('work');
  const facts = lockRecoveryFacts({ stateRoot: x.server.stateRoot, ...recovered });
  await trackWork(x.store.work, { id: workId, kind: 'remote-state', serverId: x.server.id, deploymentId: x.deploymentId ?? null, details: { action: 'lock-recovered-on-acquire', recoveredFor: x.correlationId } }, async () => recovered, {
    detailsOf: () => ({ recovered: true, ...facts }),
  });
  await auditLockRecovery(x.store, { serverId: x.server.id, actor: x.actor, workId, stateRoot: x.server.stateRoot, recovered });
}
