import { z } from 'zod';
import { recordId } from '../id-input.js';
import { assessReadiness } from '../../core/recovery/readiness.js';
import { defineOperation } from '../operation.js';
import { FactReader, getDeployment } from './recovery-facts.js';
import { readinessOut } from './recovery-views.js';

export const recoveryReadiness = defineOperation({
  name: 'deployments.recovery-readiness',
  kind: 'query',
  summary:
    'Recovery readiness of an attempt (read-only): whether retry, redeploy, rollback and cancel are allowed, with reason codes; whether an active attempt must be canceled first; rollback candidates and what each lacks; safe next actions; generatedAt to pass back to a recovery command.',
  input: z.strictObject({ id: recordId }),
  output: readinessOut,
  errors: ['deployment_not_found', 'resource_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/deployments/{id}/recovery-readiness' },
  cli: { words: ['deployment', 'recovery-readiness'], positionals: ['id'] },
  handler: async ({ id }, ctx) => {
    // Taken before reading, so any change made while reading counts as after it.
    const generatedAt = ctx.now().toISOString();
    const d = await getDeployment(ctx, id);
    return { ...assessReadiness(await new FactReader(ctx).readiness(d)), generatedAt };
  },
});
