import { z } from 'zod';
import { recordId } from '../id-input.js';
import type { Deployment } from '../../core/deployments/deployment.js';
import { fail } from '../../core/errors/berth-error.js';
import { evaluateCandidate, servingOf, type CandidateView } from '../../core/recovery/candidates.js';
import { assessReadiness } from '../../core/recovery/readiness.js';
import type { OperationContext } from '../../ports/context.js';
import { defineOperation } from '../operation.js';
import { createAttempt } from './start-attempt.js';
import { deploymentOut, deploymentView } from './status-view.js';
import { FactReader, getDeployment } from './recovery-facts.js';
import { assertFresh } from './recovery-guard.js';
import { readinessGeneratedAt } from './recovery-views.js';

const samePreview = (a: Deployment['preview'], b: Deployment['preview']) => (a?.type ?? null) === (b?.type ?? null) && (a?.id ?? null) === (b?.id ?? null);

/** The named candidate, checked the way readiness checks candidates, images included. */
async function namedCandidate(ctx: OperationContext, reader: FactReader, d: Deployment, candidateId: string, serving: Deployment | undefined): Promise<Deployment> {
  const c = await ctx.store.deployments.get(candidateId);
  if (!c || c.resourceId !== d.resourceId || !samePreview(c.preview, d.preview) || c.status !== 'succeeded') {
    fail('rollback_candidate_not_found', 'The candidate is not a succeeded attempt of this resource and preview.', { candidateId });
  }
  const view = evaluateCandidate(await reader.candidate(c), serving?.id, serving);
  if (view.serving) fail('recovery_blocked', 'The candidate is the version serving now.', { action: 'rollback', reasons: ['candidate-serving'], candidateId });
  if (!view.ready) notReady(view);
  return c;
}

function notReady(view: CandidateView): never {
  const images = view.images.filter((i) => i.present !== true).map(({ service, image, imageId }) => ({ service, image, imageId }));
  fail('rollback_candidate_not_ready', 'The candidate lacks what a rollback reuses.', { candidateId: view.deploymentId, missing: view.missing, images });
}

/**
 * A new attempt from a retained successful candidate: its snapshot, environment snapshot,
 * target and artifact. The runner reuses the candidate's plan and images (no build, no pull,
 * no re-plan); databases, volumes and queues are not rolled back.
 */
export const rollbackDeployment = defineOperation({
  name: 'deployments.rollback',
  kind: 'command',
  summary:
    'Rollback: a new attempt from a retained successful candidate (default: the newest ready one), reusing its plan and images: no build, no pull, no re-plan, no data rollback.',
  input: z.strictObject({
    id: recordId.describe('the attempt being recovered from'),
    candidate: recordId.optional().describe('succeeded attempt to roll back to (see recovery-readiness)'),
    readinessGeneratedAt,
  }),
  output: deploymentOut,
  errors: ['deployment_not_found', 'resource_not_found', 'recovery_blocked', 'recovery_readiness_stale', 'deployment_in_progress', 'rollback_candidate_not_found', 'rollback_candidate_not_ready', 'no_previous_revision'],
  destructive: false,
  http: { method: 'POST', path: '/api/deployments/{id}/rollback' },
  cli: { words: ['deployment', 'rollback'], positionals: ['id'], follow: 'attempt' },
  handler: async ({ id, candidate, readinessGeneratedAt }, ctx) => {
    const d = await getDeployment(ctx, id);
    const reader = new FactReader(ctx);
    // A named candidate is checked on its own (namedCandidate): the others' images are not read.
    const facts = await reader.readiness(d, { candidateImages: !candidate });
    await assertFresh(ctx, facts.resource, d.preview, readinessGeneratedAt);
    if (facts.active) fail('deployment_in_progress', 'Another attempt of this resource is active: cancel it or wait.', { activeDeploymentId: facts.active.id });
    let c: Deployment;
    if (candidate) {
      const servingId = servingOf(facts.candidates.map((f) => f.deployment));
      c = await namedCandidate(ctx, reader, d, candidate, facts.candidates.find((f) => f.deployment.id === servingId)?.deployment);
    }
    else {
      const selectable = assessReadiness(facts).candidates.filter((v) => !v.serving);
      if (selectable.length === 0) fail('no_previous_revision', 'There is no earlier successful attempt to roll back to.', { resourceId: d.resourceId });
      const ready = selectable.find((v) => v.ready);
      if (!ready) fail('recovery_blocked', 'No rollback candidate is ready.', { action: 'rollback', reasons: ['no-ready-candidate'] });
      c = facts.candidates.find((f) => f.deployment.id === ready.deploymentId)!.deployment;
    }
    const rollback = { candidateId: c.id, fromDeploymentId: d.id, plan: c.plan!, artifact: c.artifact!, sourceSummary: c.sourceSummary };
    const attempt = await ctx.store.transaction((tx) =>
      createAttempt(tx, ctx.actor, ctx.now(), { resource: facts.resource, trigger: 'rollback', preview: c.preview, snapshot: { ...c.snapshot, rollback }, sourceDeploymentId: c.id }),
    );
    ctx.deploy.runner.start(attempt.id);
    return deploymentView(attempt);
  },
});
