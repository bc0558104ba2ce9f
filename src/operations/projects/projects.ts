import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { newId } from '../../core/ids/ids.js';
import { resourceName } from '../../core/model/profiles.js';
import { defineOperation } from '../operation.js';
import { projectOut } from '../records.js';
import { assertNameFree, insertAudited } from '../audited-insert.js';

export const createProject = defineOperation({
  name: 'projects.create',
  kind: 'command',
  summary: 'Create a project (a grouping of environments).',
  input: z.strictObject({ name: resourceName }),
  output: projectOut,
  errors: ['name_conflict'],
  destructive: false,
  http: { method: 'POST', path: '/api/projects' },
  cli: { words: ['project', 'create'], positionals: ['name'] },
  handler: async ({ name }, ctx) =>
    ctx.store.transaction(async (tx) => {
      assertNameFree('project', name, await tx.projects.findByName(name));
      const project = { id: newId('project'), name, createdAt: ctx.now().toISOString() };
      return insertAudited(tx, ctx.actor, { type: 'project.created', aggregateType: 'project' }, project, (p) => tx.projects.create(p));
    }),
});

export const listProjects = defineOperation({
  name: 'projects.list',
  kind: 'query',
  summary: 'List projects.',
  input: z.strictObject({}),
  output: z.object({ items: z.array(projectOut) }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/projects' },
  cli: { words: ['project', 'list'] },
  handler: async (_input, ctx) => ({ items: await ctx.store.projects.list() }),
});

export const showProject = defineOperation({
  name: 'projects.show',
  kind: 'query',
  summary: 'Show one project.',
  input: z.strictObject({ id: recordId }),
  output: projectOut,
  errors: ['project_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/projects/{id}' },
  cli: { words: ['project', 'show'], positionals: ['id'] },
  handler: async ({ id }, ctx) => (await ctx.store.projects.get(id)) ?? fail('project_not_found', 'No project has this id.', { id }),
});
