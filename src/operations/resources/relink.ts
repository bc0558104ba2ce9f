import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { sourceProfile } from '../../core/model/profiles.js';
import type { Resource } from '../../core/model/records.js';
import { defineOperation } from '../operation.js';
import { resourceOut } from '../records.js';

/**
 * Changes what later deployments read as source (repository move, path change, image change).
 * Not a retry: nothing is deployed, and history and running versions are untouched (attempts
 * keep their frozen snapshots).
 */
export const relinkResource = defineOperation({
  name: 'resources.relink',
  kind: 'command',
  summary: "Relink a resource's source (repository move, path or image change): later deployments read the new source; history and running versions are untouched. Audited.",
  input: z.strictObject({ id: recordId, source: sourceProfile.describe('the new source binding, as JSON: {"kind":"git","location":"...","gitRef":"main"}') }),
  output: resourceOut.extend({ previousSource: sourceProfile.nullable() }),
  errors: ['resource_not_found'],
  destructive: false,
  http: { method: 'POST', path: '/api/resources/{id}/relink' },
  cli: { words: ['resource', 'relink'], positionals: ['id'] },
  handler: async ({ id, source }, ctx) =>
    ctx.store.transaction(async (tx) => {
      const current = (await tx.resources.get(id)) ?? fail('resource_not_found', 'No resource has this id.', { id });
      if (JSON.stringify(current.source) === JSON.stringify(source)) return { ...current, previousSource: current.source };
      const next: Resource = { ...current, source, updatedAt: ctx.now().toISOString() };
      await tx.resources.update(next);
      await tx.audit.append({ type: 'resource.relinked', aggregateType: 'resource', aggregateId: id, actor: ctx.actor, payload: { previous: current.source, next: source } });
      return { ...next, previousSource: current.source };
    }),
});
