import { recoveryHint } from '../../core/deployments/recovery-hint.js';
import type { Attempt, RunnerDeps } from './attempt.js';
import { detectAndPlan } from './detect-plan.js';

/** created -> planning; false when the attempt was canceled before it started (it ends here). */
export async function beginAttempt(deps: RunnerDeps, a: Attempt): Promise<boolean> {
  const now = new Date().toISOString();
  if (await a.journal.transition(['created'], { status: 'planning', currentPhase: 'detect', startedAt: now, heartbeatAt: now, owner: deps.owner })) {
    a.d = { ...a.d, status: 'planning', currentPhase: 'detect' };
    return true;
  }
  // Canceled before it started: nothing ran, so it simply ends.
  await a.journal.transition(['cancel-requested'], { status: 'canceled', finishedAt: now, recoveryHint: recoveryHint('canceled', a.d.currentPhase, null) });
  return false;
}

/**
 * Detect and plan (the same function as the plan preview), or, for a rollback, the candidate's
 * plan as it was: no detect, no plan. Ends `planned`.
 */
export async function planPhase(deps: RunnerDeps, a: Attempt): Promise<void> {
  const { store, settings } = deps;
  const reused = a.d.snapshot.rollback;
  if (reused) {
    a.d = { ...a.d, currentPhase: 'plan' };
    a.plan = reused.plan;
    await store.deployments.update(a.id, { sourceSummary: reused.sourceSummary, currentPhase: 'plan' });
    await a.journal.transition(['planning'], { status: 'planned', currentPhase: 'plan', plan: a.plan });
    await a.journal.event('phase', 'plan', { reusedFrom: reused.candidateId, planner: a.plan.planner, artifactKind: a.plan.artifactKind, internalPort: a.plan.internalPort });
    return;
  }
  const { snapshot } = a.d;
  const { plan } = await detectAndPlan(
    {
      sources: deps.sources,
      planner: deps.planner,
      workRoot: settings.workRoot,
      deadlines: settings.deadlines,
      signal: a.signal,
      detected: async (source) => {
        a.source = source; // disposed by the runner whatever happens next
        // What was read and the next phase in one write: the row moves on as the journal says.
        a.d = { ...a.d, currentPhase: 'plan' };
        await store.deployments.update(a.id, { sourceSummary: source.summary, currentPhase: 'plan' });
        await a.journal.event('phase', 'detect', { source: source.summary });
      },
    },
    { source: snapshot.source, runtime: snapshot.runtime, build: snapshot.build, network: snapshot.network, health: snapshot.health, composeDocument: snapshot.composeDocument },
  );
  a.plan = plan;
  await a.journal.transition(['planning'], { status: 'planned', currentPhase: 'plan', plan });
  // The evidence names what was detected (files, scripts, settings), for the progress line.
  await a.journal.event('phase', 'plan', { planner: plan.planner, supportTier: plan.supportTier, artifactKind: plan.artifactKind, internalPort: plan.internalPort, evidence: plan.evidence.slice(0, 4).map((e) => e.detail) });
}
