import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { newId } from '../../core/ids/ids.js';
import { resourceName } from '../../core/model/profiles.js';
import { defineOperation } from '../operation.js';
import { environmentOut } from '../records.js';
import { assertNameFree, insertAudited } from '../audited-insert.js';

export const createEnvironment = defineOperation({
  name: 'environments.create',
  kind: 'command',
  summary: 'Create an environment (production, staging, preview, ...) in a project.',
  input: z.strictObject({ projectId: recordId, name: resourceName }),
  output: environmentOut,
  errors: ['project_not_found', 'name_conflict'],
  destructive: false,
  http: { method: 'POST', path: '/api/environments' },
  cli: { words: ['environment', 'create'], positionals: ['name'] },
  handler: async ({ projectId, name }, ctx) =>
    ctx.store.transaction(async (tx) => {
      if (!(await tx.projects.get(projectId))) fail('project_not_found', 'No project has this id.', { id: projectId });
      assertNameFree('environment', name, await tx.environments.findByName(projectId, name));
      const env = { id: newId('environment'), projectId, name, createdAt: ctx.now().toISOString() };
      return insertAudited(tx, ctx.actor, { type: 'environment.created', aggregateType: 'environment' }, env, (e) => tx.environments.create(e));
    }),
});

export const listEnvironments = defineOperation({
  name: 'environments.list',
  kind: 'query',
  summary: 'List environments, optionally of one project.',
  input: z.strictObject({ projectId: recordId.optional() }),
  output: z.object({ items: z.array(environmentOut) }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/environments' },
  cli: { words: ['environment', 'list'] },
  handler: async ({ projectId }, ctx) => ({ items: await ctx.store.environments.list(projectId) }),
});

export const showEnvironment = defineOperation({
  name: 'environments.show',
  kind: 'query',
  summary: 'Show one environment.',
  input: z.strictObject({ id: recordId }),
  output: environmentOut,
  errors: ['environment_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/environments/{id}' },
  cli: { words: ['environment', 'show'], positionals: ['id'] },
  handler: async ({ id }, ctx) => (await ctx.store.environments.get(id)) ?? fail('environment_not_found', 'No environment has this id.', { id }),
});
