import { z } from 'zod';
import { recordId } from '../id-input.js';
import { isTerminal } from '../../core/deployments/status.js';
import { fail } from '../../core/errors/berth-error.js';
import { defineOperation } from '../operation.js';
import { deploymentOut, deploymentView } from './status-view.js';
import { getDeployment } from './recovery-facts.js';
import { requireConfirmation } from '../confirmation.js';

/** Hides a terminal attempt from default history. Deletes nothing: logs, events, artifacts, route state and rollback candidacy stay. */
export const archiveDeployment = defineOperation({
  name: 'deployments.archive',
  kind: 'command',
  summary: 'Archive a terminal attempt: hidden from default history (deployments list --include-archived shows it), nothing deleted; --confirm must equal the id.',
  input: z.strictObject({ id: recordId, confirm: recordId.describe('the deployment id again') }),
  output: deploymentOut,
  errors: ['deployment_not_found', 'confirmation_mismatch', 'deployment_not_archivable'],
  destructive: true,
  confirmationField: 'confirm',
  http: { method: 'POST', path: '/api/deployments/{id}/archive' },
  cli: { words: ['deployment', 'archive'], positionals: ['id'] },
  handler: async ({ id, confirm }, ctx) => {
    const d = await getDeployment(ctx, id);
    requireConfirmation(confirm, id, 'deployment');
    if (!isTerminal(d.status)) fail('deployment_not_archivable', 'Only terminal attempts can be archived.', { status: d.status });
    if (d.archivedAt) return deploymentView(d);
    const at = ctx.now().toISOString();
    await ctx.store.transaction(async (tx) => {
      if (!(await tx.deployments.archive(id, at))) return;
      await tx.audit.append({ type: 'deployment.archived', aggregateType: 'deployment', aggregateId: id, actor: ctx.actor, payload: { id, resourceId: d.resourceId, status: d.status } });
    });
    return deploymentView((await ctx.store.deployments.get(id))!);
  },
});
