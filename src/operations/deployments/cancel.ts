import { z } from 'zod';
import { recordId } from '../id-input.js';
import type { Deployment } from '../../core/deployments/deployment.js';
import { ACTIVE_STATUSES, isTerminal } from '../../core/deployments/status.js';
import { fail } from '../../core/errors/berth-error.js';
import { sleep } from '../../core/time/delay.js';
import type { OperationContext } from '../../ports/context.js';
import { defineOperation } from '../operation.js';
import { deploymentOut, deploymentView } from './status-view.js';
import { getDeployment } from './recovery-facts.js';
import { requireConfirmation } from '../confirmation.js';

/** How long cancel waits for the runner to end the attempt before answering `cancel-requested`. */
const SETTLE_MS = 15_000;

async function settled(ctx: OperationContext, id: string): Promise<Deployment> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const d = (await ctx.store.deployments.get(id))!;
    if (isTerminal(d.status) || Date.now() > deadline) return d;
    await sleep(100);
  }
}

/**
 * Stops one active attempt: it is marked cancel-requested, then its runner aborts it (ending it
 * `canceled` and removing the containers it started); an attempt no runner of this process owns
 * is ended here after its containers are accounted for, unless a live runner elsewhere owns it.
 * History, logs, events, artifacts and route intent stay.
 */
export const cancelDeployment = defineOperation({
  name: 'deployments.cancel',
  kind: 'command',
  summary: 'Cancel one active attempt (building, starting or verifying); --confirm must equal the id. Deletes nothing: history, logs, events, artifacts and route intent stay.',
  input: z.strictObject({ id: recordId, confirm: recordId.describe('the deployment id again') }),
  output: deploymentOut,
  errors: ['deployment_not_found', 'confirmation_mismatch', 'deployment_not_cancelable'],
  destructive: true,
  confirmationField: 'confirm',
  http: { method: 'POST', path: '/api/deployments/{id}/cancel' },
  cli: { words: ['deployment', 'cancel'], positionals: ['id'] },
  handler: async ({ id, confirm }, ctx) => {
    const d = await getDeployment(ctx, id);
    requireConfirmation(confirm, id, 'deployment');
    if (isTerminal(d.status)) fail('deployment_not_cancelable', 'The attempt already ended.', { status: d.status });
    await ctx.store.transaction(async (tx) => {
      const moved = await tx.deployments.transition(id, ACTIVE_STATUSES.filter((s) => s !== 'cancel-requested'), { status: 'cancel-requested' });
      const now = (await tx.deployments.get(id))!;
      if (!moved && isTerminal(now.status)) fail('deployment_not_cancelable', 'The attempt already ended.', { status: now.status });
      if (moved) {
        await tx.journal.append(id, { at: ctx.now().toISOString(), kind: 'status', phase: now.currentPhase, data: { status: 'cancel-requested' } });
        await tx.audit.append({ type: 'deployment.canceled', aggregateType: 'deployment', aggregateId: id, actor: ctx.actor, payload: { id, resourceId: d.resourceId, statusBefore: d.status, phase: d.currentPhase } });
      }
    });
    // This process runs it: the runner ends it within moments, so answer with the end state.
    if (ctx.deploy.runner.abort(id)) return deploymentView(await settled(ctx, id));
    await ctx.deploy.runner.cancelUnowned(id);
    return deploymentView(await getDeployment(ctx, id));
  },
});
