import { BerthError, toBerthError } from '../../core/errors/berth-error.js';
import { recoveryHint } from '../../core/deployments/recovery-hint.js';
import { sourcesOf } from '../../core/deployments/status.js';
import type { Attempt, RunnerDeps } from './attempt.js';
import { CancelRequested } from './deadline.js';
import { teardownRuntime } from './teardown.js';
import { resourceRoute } from '../domains/domain-route.js';

/**
 * Ends an attempt that threw before it succeeded: the old version keeps (or gets back) the
 * route, whatever this attempt started is removed, and the status says which of failed,
 * rolled-back or canceled it is, with the catalogued error.
 */
export async function failAttempt(deps: RunnerDeps, a: Attempt, err: unknown): Promise<void> {
  const { d, ctx } = a;
  const canceled = err instanceof CancelRequested || (a.signal.aborted && a.signal.reason instanceof CancelRequested);
  const error = canceled ? null : toBerthError(err, d.id);
  if (error?.code === 'internal') deps.log(`internal error in ${d.id}`, err);
  let restored = false;
  let rollbackError: BerthError | null = null;
  const previousUpstream = ctx?.previous?.runtime?.routedUpstream;
  if (ctx && a.switched && previousUpstream) {
    try {
      await ctx.target.proxy.applyRoute(await resourceRoute(deps.store, { id: ctx.route, host: ctx.host, upstream: previousUpstream, resourceId: d.resourceId, preview: d.preview }, ctx.target.proxy));
      restored = true;
    } catch (e) {
      rollbackError = new BerthError('rollback_failed', 'The previous version could not be given the route back.', { reason: toBerthError(e, d.id).code }, 'rollback');
    }
  } else if (ctx && a.switched) {
    await ctx.target.proxy.removeRoute(ctx.route).catch(() => undefined);
  }
  if (ctx && a.runtime) {
    const down = await teardownRuntime(ctx.target.engine, a.runtime, 0);
    // A step of rollback only when containers had started: an attempt that failed with only its
    // networks open (they open beside the artifact) has no version of its own to take down.
    // Best effort: a store refusing this event must not keep the attempt from its terminal status.
    if (a.runtime.containers.length > 0 || down.failed.length > 0) await a.journal.event('step', 'rollback', { step: 'remove-new-containers', containers: down.removed, ...(down.failed.length ? { failed: down.failed } : {}) }).catch(() => undefined);
  }
  const servedByPrevious = Boolean(ctx?.previous) && (restored || !a.switched);
  const status = canceled ? 'canceled' : rollbackError ? 'failed' : servedByPrevious && d.currentPhase === 'verify' ? 'rolled-back' : 'failed';
  const finalError = rollbackError ?? error;
  // A detect failure surfaced while planning (the planner detects) is reported in detect.
  const failedIn = error && (error.phase === 'detect' || error.phase === 'plan') && (d.currentPhase === 'detect' || d.currentPhase === 'plan') ? error.phase : d.currentPhase;
  const phase = status === 'rolled-back' || rollbackError ? 'rollback' : failedIn;
  const errorObject = finalError ? finalError.toObject() : null;
  await a.journal.transition(sourcesOf(status), {
    status,
    currentPhase: phase,
    finishedAt: new Date().toISOString(),
    error: errorObject,
    runtime: a.runtime ? { ...a.runtime, retiredAt: new Date().toISOString() } : null,
    recoveryHint: recoveryHint(status, phase, errorObject),
  });
}
