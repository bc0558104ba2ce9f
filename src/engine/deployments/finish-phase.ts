import type { Attempt, RunnerDeps } from './attempt.js';
import { CancelRequested } from './deadline.js';
import { retirePrevious } from './retire.js';
import { keepRunning } from './verify.js';

/**
 * verifying -> succeeded. The last step that can still fail the attempt: a cancel that arrives
 * before the status moved sends it down the failure path (route back, this version removed).
 */
export async function finishPhase(_deps: RunnerDeps, a: Attempt): Promise<void> {
  const ctx = a.ctx!;
  const runtime = a.runtime!;
  // Verified: from now on the engine restarts each container as its service asked.
  await keepRunning(ctx.target.engine, a.plan!, runtime);
  // Journalled before the terminal status: a stream closes once it sees that status and drains.
  await a.journal.event('phase', 'verify', { accessUrl: ctx.url });
  const finishedAt = new Date().toISOString();
  if (!(await a.journal.transition(['verifying'], { status: 'succeeded', finishedAt, accessUrl: ctx.url, runtime, error: null, recoveryHint: null }))) throw new CancelRequested();
  a.d = { ...a.d, status: 'succeeded' };
}

/**
 * After success, never the failure path: the new version serves whatever happens here. The old
 * versions are drained and retired; anything that fails is journalled as a warning.
 */
export async function afterSuccess(deps: RunnerDeps, a: Attempt): Promise<void> {
  await retirePrevious(deps, a);
}
