import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { redeployProblems } from '../../core/recovery/profile-check.js';
import { verdict } from '../../core/recovery/reasons.js';
import { defineOperation } from '../operation.js';
import { previewKey } from '../deployments/deploy-input.js';
import { createAttempt } from '../deployments/start-attempt.js';
import { deploymentOut, deploymentView } from '../deployments/status-view.js';
import { FactReader } from '../deployments/recovery-facts.js';
import { assertFresh, refuseBlocked } from '../deployments/recovery-guard.js';
import { readinessGeneratedAt } from '../deployments/recovery-views.js';

/** A new attempt from the resource's *current* profile; no old snapshot is reused. */
export const redeployResource = defineOperation({
  name: 'resources.redeploy',
  kind: 'command',
  summary: "Redeploy: a new attempt from the resource's current profile (source, runtime, build, network, health, access); blocked when the profile is missing, drifted or inadmissible.",
  input: z.strictObject({ id: recordId.describe('resource id'), preview: previewKey.optional(), readinessGeneratedAt }),
  output: deploymentOut,
  errors: ['resource_not_found', 'recovery_blocked', 'recovery_readiness_stale', 'deployment_in_progress'],
  destructive: false,
  http: { method: 'POST', path: '/api/resources/{id}/redeploy' },
  cli: { words: ['resource', 'redeploy'], positionals: ['id'], aliases: [['deployment', 'redeploy']], follow: 'attempt' },
  handler: async ({ id, preview, readinessGeneratedAt }, ctx) => {
    const resource = (await ctx.store.resources.get(id)) ?? fail('resource_not_found', 'No resource has this id.', { id });
    const key = preview ?? null;
    const active = await new FactReader(ctx).active(resource.id, key);
    await assertFresh(ctx, resource, key, readinessGeneratedAt);
    const profile = redeployProblems(resource);
    refuseBlocked('redeploy', verdict([active && 'active-attempt', ...profile.reasons]), active, { fields: profile.fields });
    const attempt = await ctx.store.transaction((tx) =>
      createAttempt(tx, ctx.actor, ctx.now(), {
        resource,
        trigger: 'redeploy',
        preview: key,
        snapshot: { source: resource.source!, runtime: resource.runtime, build: resource.build, network: resource.network, health: resource.health, access: resource.access },
      }),
    );
    ctx.deploy.runner.start(attempt.id);
    return deploymentView(attempt);
  },
});
