import { z } from 'zod';
import { recordId } from '../id-input.js';
import { retryVerdict } from '../../core/recovery/readiness.js';
import { defineOperation } from '../operation.js';
import { createAttempt } from './start-attempt.js';
import { deploymentOut, deploymentView } from './status-view.js';
import { FactReader, getDeployment } from './recovery-facts.js';
import { assertFresh, refuseBlocked } from './recovery-guard.js';
import { readinessGeneratedAt } from './recovery-views.js';

/** A new attempt from the failed attempt's immutable snapshot: no event replay, no phase resumed. */
export const retryDeployment = defineOperation({
  name: 'deployments.retry',
  kind: 'command',
  summary: "Retry: a new attempt from a failed, canceled or interrupted attempt's immutable snapshot (same source, profiles, target; a rollback retried reuses the same artifact).",
  input: z.strictObject({ id: recordId, readinessGeneratedAt }),
  output: deploymentOut,
  errors: ['deployment_not_found', 'resource_not_found', 'recovery_blocked', 'recovery_readiness_stale', 'deployment_in_progress'],
  destructive: false,
  http: { method: 'POST', path: '/api/deployments/{id}/retry' },
  cli: { words: ['deployment', 'retry'], positionals: ['id'], follow: 'attempt' },
  handler: async ({ id, readinessGeneratedAt }, ctx) => {
    const d = await getDeployment(ctx, id);
    const facts = await new FactReader(ctx).readiness(d);
    await assertFresh(ctx, facts.resource, d.preview, readinessGeneratedAt);
    refuseBlocked('retry', retryVerdict(facts), facts.active);
    const attempt = await ctx.store.transaction((tx) =>
      createAttempt(tx, ctx.actor, ctx.now(), { resource: facts.resource, trigger: 'retry', preview: d.preview, snapshot: d.snapshot, sourceDeploymentId: d.id }),
    );
    ctx.deploy.runner.start(attempt.id);
    return deploymentView(attempt);
  },
});
