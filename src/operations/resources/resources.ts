import { definedFields } from '../../core/model/defined-fields.js';
import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { newId } from '../../core/ids/ids.js';
import { accessProfile, buildProfile, healthProfile, networkProfile, resourceName, runtimeProfile, sourceProfile } from '../../core/model/profiles.js';
import type { Resource } from '../../core/model/records.js';
import { defineOperation } from '../operation.js';
import { resourceOut } from '../records.js';
import { resolveEnvironment } from './placement.js';
import { assertNameFree, insertAudited } from '../audited-insert.js';
import { resourceStatus, resourceStatusOut } from './status.js';
import { currentServer } from '../deployments/deploy-server.js';

const profiles = {
  source: sourceProfile.optional(),
  runtime: runtimeProfile.optional(),
  build: buildProfile.optional(),
  network: networkProfile.optional(),
  health: healthProfile.optional(),
  access: accessProfile.optional(),
};

export const createResource = defineOperation({
  name: 'resources.create',
  kind: 'command',
  summary: 'Create a resource (one deployable app) with its source binding and profiles.',
  input: z.strictObject({
    name: resourceName,
    environmentId: recordId.optional(),
    project: resourceName.optional(),
    environment: resourceName.optional(),
    ...profiles,
  }),
  output: resourceOut,
  errors: ['environment_not_found', 'name_conflict'],
  destructive: false,
  http: { method: 'POST', path: '/api/resources' },
  cli: { words: ['resource', 'create'], positionals: ['name'] },
  handler: async (input, ctx) =>
    ctx.store.transaction(async (tx) => {
      const env = await resolveEnvironment(tx, ctx.actor, ctx.now(), input);
      assertNameFree('resource', input.name, await tx.resources.findByName(env.id, input.name));
      const now = ctx.now().toISOString();
      const resource: Resource = {
        id: newId('resource'),
        projectId: env.projectId,
        environmentId: env.id,
        name: input.name,
        source: input.source ?? null,
        runtime: input.runtime ?? runtimeProfile.parse({}),
        build: input.build ?? buildProfile.parse({}),
        network: input.network ?? {},
        health: input.health ?? healthProfile.parse({}),
        access: input.access ?? {},
        secretNames: [],
        createdAt: now,
        updatedAt: now,
      };
      return insertAudited(tx, ctx.actor, { type: 'resource.created', aggregateType: 'resource' }, resource, (r) => tx.resources.create(r));
    }),
});

export const configureResource = defineOperation({
  name: 'resources.configure',
  kind: 'command',
  summary: "Replace one or more of a resource's profiles (runtime, build, network, health, access).",
  input: z.strictObject({ id: recordId, runtime: profiles.runtime, build: profiles.build, network: profiles.network, health: profiles.health, access: profiles.access }),
  output: resourceOut,
  errors: ['resource_not_found'],
  destructive: false,
  http: { method: 'PATCH', path: '/api/resources/{id}' },
  cli: { words: ['resource', 'configure'], positionals: ['id'] },
  handler: async ({ id, ...changes }, ctx) =>
    ctx.store.transaction(async (tx) => {
      const current = (await tx.resources.get(id)) ?? fail('resource_not_found', 'No resource has this id.', { id });
      const defined = definedFields(changes);
      const next: Resource = { ...current, ...defined, updatedAt: ctx.now().toISOString() };
      await tx.resources.update(next);
      await tx.audit.append({ type: 'resource.updated', aggregateType: 'resource', aggregateId: id, actor: ctx.actor, payload: { changed: Object.keys(defined), ...defined } });
      return next;
    }),
});

export const listResources = defineOperation({
  name: 'resources.list',
  kind: 'query',
  summary: 'List resources, optionally of one project or environment.',
  input: z.strictObject({ projectId: recordId.optional(), environmentId: recordId.optional() }),
  output: z.object({ items: z.array(resourceOut) }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/resources' },
  cli: { words: ['resource', 'list'] },
  handler: async (filter, ctx) => ({ items: await ctx.store.resources.list(filter) }),
});

export const showResource = defineOperation({
  name: 'resources.show',
  kind: 'query',
  summary: 'Show one resource, its profiles and its readiness: resource, deployment, runtime, proxy, access URL, certificate.',
  input: z.strictObject({ id: recordId }),
  output: resourceOut.extend({
    /** The server the resource runs on (its latest attempt's); null before its first attempt. */
    server: z.object({ id: z.string(), name: z.string() }).nullable(),
    status: resourceStatusOut,
  }),
  errors: ['resource_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/resources/{id}' },
  cli: { words: ['resource', 'show'], positionals: ['id'] },
  handler: async ({ id }, ctx) => {
    const resource = (await ctx.store.resources.get(id)) ?? fail('resource_not_found', 'No resource has this id.', { id });
    const server = await currentServer(ctx.store, resource);
    return { ...resource, server: server ? { id: server.id, name: server.name } : null, status: await resourceStatus(ctx, resource) };
  },
});
