import type { Deployment } from './deployment.js';

// Which attempt serves a resource (or one preview of it): the rule, in one place.
// An attempt is live when it succeeded and its runtime was never retired; the one serving is the
// newest live attempt of the resource and preview key. (A replaced version still draining is
// live until it is retired, but no longer serving: a newer live attempt exists.)

/** The attempt's containers were started and never retired (whatever its status). */
export const hasLiveRuntime = (d: Pick<Deployment, 'runtime'>): boolean => Boolean(d.runtime) && !d.runtime!.retiredAt;

/** Succeeded, with a runtime that was never retired: serving, or still draining after a switch. */
export const isServing = (d: Pick<Deployment, 'status' | 'runtime'>): boolean => d.status === 'succeeded' && hasLiveRuntime(d);

/** The serving attempt among one resource and preview key's attempts, newest first. */
export const servingAmong = <T extends Pick<Deployment, 'status' | 'runtime'>>(newestFirst: readonly T[]): T | undefined => newestFirst.find(isServing);
