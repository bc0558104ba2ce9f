import type { Deployment } from '../../core/deployments/deployment.js';
import { fail } from '../../core/errors/berth-error.js';
import type { Resource } from '../../core/model/records.js';
import type { RecoveryAction, Verdict } from '../../core/recovery/reasons.js';
import { isStale, lastChangeAt } from '../../core/recovery/staleness.js';
import type { OperationContext } from '../../ports/context.js';

// How recovery commands refuse: first a stale decision, then what readiness blocks, with the
// same codes readiness names (an active attempt is deployment_in_progress, the rest
// recovery_blocked with details.reasons).

export async function assertFresh(ctx: OperationContext, resource: Resource, preview: Deployment['preview'], readinessGeneratedAt: string | undefined): Promise<void> {
  if (!readinessGeneratedAt) return;
  const facts = { lastAttemptChangeAt: await ctx.store.deployments.lastChangeAt(resource.id, preview), resourceUpdatedAt: resource.updatedAt };
  if (isStale(readinessGeneratedAt, facts)) {
    fail('recovery_readiness_stale', 'The resource changed after the readiness this decision is based on.', { readinessGeneratedAt, changedAt: lastChangeAt(facts) });
  }
}

export function refuseBlocked(action: RecoveryAction, v: Verdict, active: Deployment | undefined, details: Record<string, unknown> = {}): void {
  if (v.allowed) return;
  if (active && v.reasons.includes('active-attempt')) fail('deployment_in_progress', 'Another attempt of this resource is active: cancel it or wait.', { activeDeploymentId: active.id });
  fail('recovery_blocked', `Recovery readiness blocks ${action}.`, { action, reasons: v.reasons, ...details });
}
