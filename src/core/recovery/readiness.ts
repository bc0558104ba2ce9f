import type { Deployment } from '../deployments/deployment.js';
import { isTerminal } from '../deployments/status.js';
import type { Resource } from '../model/records.js';
import { artifactComplete, artifactImages, evaluateCandidate, servingOf, snapshotGaps, type CandidateFacts, type CandidateView } from './candidates.js';
import { redeployProblems } from './profile-check.js';
import { verdict, type Verdict } from './reasons.js';

// Recovery readiness: a pure decision over facts the caller gathered.
// Every recovery command evaluates these same rules, so readiness never says "allowed" for
// something the command then refuses, nor the reverse (staleness aside).

export interface ReadinessFacts {
  deployment: Deployment;
  resource: Resource;
  /** The active attempt of the same resource and preview key, if any (may be `deployment` itself). */
  active: Deployment | undefined;
  /** The snapshot's server is still registered. */
  snapshotServerExists: boolean;
  /** Image presence for a rollback attempt's reused artifact (retry of a rollback). */
  snapshotImages: Record<string, boolean | null>;
  /** Succeeded attempts of the same resource and preview key, newest first (the serving one included). */
  candidates: CandidateFacts[];
}

export interface NextAction {
  kind: 'detail' | 'events' | 'logs' | 'diagnose';
  command: string;
  safeByDefault: true;
}

export interface Readiness {
  deploymentId: string;
  resourceId: string;
  status: Deployment['status'];
  preview: Deployment['preview'];
  recoverable: boolean;
  retryable: boolean;
  redeployable: boolean;
  rollbackReady: boolean;
  actions: { retry: Verdict; redeploy: Verdict; rollback: Verdict; cancel: Verdict };
  /** Whether an active attempt must be canceled (or waited for) before any recovery. */
  cancelFirst: { required: boolean; activeDeploymentId: string | null };
  /** Profile fields behind a blocked redeploy (e.g. `source`, `runtime.image`). */
  redeployFields: string[];
  candidates: CandidateView[];
  nextActions: NextAction[];
}

export function retryVerdict(f: ReadinessFacts): Verdict {
  const d = f.deployment;
  const rollback = d.snapshot.rollback;
  const error = d.error;
  return verdict([
    f.active && 'active-attempt',
    !isTerminal(d.status) && 'attempt-not-ended',
    d.status === 'succeeded' && 'attempt-succeeded',
    snapshotGaps(d).some((g) => g !== 'target') && 'snapshot-incomplete',
    (snapshotGaps(d).includes('target') || !f.snapshotServerExists) && 'target-missing',
    rollback && !artifactComplete(rollback.artifact, artifactImages(rollback.artifact, f.snapshotImages)) && 'artifact-missing',
    error && !error.retryable && error.actionability === 'fix-input' && 'failure-needs-fix',
  ]);
}

/** Safe, read-only next steps, most useful first for the phase that failed. */
export function nextActions(d: Deployment): NextAction[] {
  const all: Record<NextAction['kind'], string> = {
    detail: `berth deployment show ${d.id}`,
    events: `berth deployment events ${d.id}`,
    logs: `berth resource logs ${d.resourceId}`,
    diagnose: `berth resource diagnose ${d.resourceId}`,
  };
  const order: NextAction['kind'][] =
    d.currentPhase === 'verify' || d.currentPhase === 'rollback'
      ? ['logs', 'diagnose', 'events', 'detail']
      : d.currentPhase === 'execute'
        ? ['events', 'diagnose', 'logs', 'detail']
        : ['detail', 'events', 'diagnose', 'logs'];
  return order.map((kind) => ({ kind, command: all[kind], safeByDefault: true }));
}

export function assessReadiness(f: ReadinessFacts): Readiness {
  const d = f.deployment;
  const servingId = servingOf(f.candidates.map((c) => c.deployment));
  const servingNow = f.candidates.find((c) => c.deployment.id === servingId)?.deployment;
  const candidates = f.candidates.map((c) => evaluateCandidate(c, servingId, servingNow));
  const selectable = candidates.filter((c) => !c.serving);
  const retry = retryVerdict(f);
  const profile = redeployProblems(f.resource);
  const redeploy = verdict([f.active && 'active-attempt', ...profile.reasons]);
  const rollback = verdict([
    f.active && 'active-attempt',
    selectable.length === 0 && 'no-candidate',
    selectable.length > 0 && !selectable.some((c) => c.ready) && 'no-ready-candidate',
  ]);
  const cancel = verdict([isTerminal(d.status) && 'attempt-ended']);
  return {
    deploymentId: d.id,
    resourceId: d.resourceId,
    status: d.status,
    preview: d.preview,
    recoverable: retry.allowed || redeploy.allowed || rollback.allowed,
    retryable: retry.allowed,
    redeployable: redeploy.allowed,
    rollbackReady: rollback.allowed,
    actions: { retry, redeploy, rollback, cancel },
    cancelFirst: { required: Boolean(f.active), activeDeploymentId: f.active?.id ?? null },
    redeployFields: profile.fields,
    candidates,
    nextActions: nextActions(d),
  };
}
