import { hasPersistentData } from '../recovery/candidates.js';
import type { Deployment } from './deployment.js';
import { hasLiveRuntime } from './serving.js';

// Warm rollback, the rules (no I/O). Inside BERTH_ROLLBACK_WARM_SECONDS after a switch, the
// version it replaced keeps its containers running (`runtime.warmUntil`); a rollback to it in
// that window takes them over instead of starting new ones, and the candidate's record is marked
// handed over (`runtime.handedOverTo`, with `retiredAt`: it no longer owns them). Docker labels
// never change, so the containers still name the candidate: whoever matches containers by that
// label asks `runtimeOwner` who owns them now.

type Runtimed = Pick<Deployment, 'runtime'>;

/**
 * Whether the version replaced by a switch stays warm: a window is configured, and it mounts no
 * persistent volume (two versions writing one volume for minutes is not worth a faster rollback).
 */
export const keepsWarm = (windowSeconds: number, replaced: Pick<Deployment, 'plan'>): boolean => windowSeconds > 0 && !hasPersistentData(replaced);

/** A live runtime whose warm window is still open at `now`. */
export const isWarm = (d: Runtimed, now: Date): boolean => hasLiveRuntime(d) && Boolean(d.runtime!.warmUntil) && Date.parse(d.runtime!.warmUntil!) > now.getTime();

/** A live runtime whose warm window has closed at `now`: the reconciler retires it. */
export const warmExpired = (d: Runtimed, now: Date): boolean => hasLiveRuntime(d) && Boolean(d.runtime!.warmUntil) && Date.parse(d.runtime!.warmUntil!) <= now.getTime();

/**
 * The attempt that owns the containers labelled with `id` now: the labelled attempt, or the one
 * its runtime was handed over to (and on, for a version rolled back to more than once).
 * Undefined when a record on the way is gone.
 */
export async function runtimeOwner<T extends Pick<Deployment, 'id' | 'runtime'>>(id: string, get: (id: string) => T | undefined | Promise<T | undefined>): Promise<T | undefined> {
  const seen = new Set<string>();
  let d = await get(id);
  while (d?.runtime?.handedOverTo && !seen.has(d.id)) {
    seen.add(d.id);
    d = await get(d.runtime.handedOverTo);
  }
  return d;
}
