import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { validationError } from '../../core/errors/validation.js';
import { defineOperation } from '../operation.js';
import { putResourceSecret } from '../resources/secrets.js';
import { deployInput } from './deploy-input.js';
import { deployServer } from './deploy-server.js';
import { upsertResource } from './resolve-target.js';
import { syncProfileDomains } from '../domains/domains.js';
import { createAttempt } from './start-attempt.js';
import { ensureLocalServer } from '../servers/servers.js';
import { deploymentOut, deploymentView } from './status-view.js';

export const createDeployment = defineOperation({
  name: 'deployments.create',
  kind: 'command',
  summary: 'Create or reuse a resource from a source and profiles, and deploy it (what `berth up` calls).',
  input: deployInput,
  output: deploymentOut,
  errors: ['resource_not_found', 'environment_not_found', 'deployment_in_progress', 'resource_source_changed', 'server_not_found', 'resource_server_changed', 'domain_invalid', 'domain_conflict'],
  destructive: false,
  http: { method: 'POST', path: '/api/deployments' },
  cli: { words: ['deployment', 'create'] },
  handler: async (input, ctx) => {
    const deployment = await ctx.store.transaction(async (tx) => {
      let resource = await upsertResource(tx, ctx.actor, ctx.now(), input);
      // Before the snapshot, which copies the secret names: the attempt mounts these files.
      for (const [name, value] of Object.entries(input.composeSecrets ?? {})) resource = await putResourceSecret(tx, { actor: ctx.actor, now: ctx.now() }, resource, name, ctx.secrets.seal(value));
      if (!resource.source) throw validationError([{ code: 'invalid_input', path: 'source', message: 'The resource has no source: pass one.' }]);
      // Resolved once here: the attempt runs where the resource runs, else on the local server.
      const server = (await deployServer(tx, resource, input.server)) ?? (await ensureLocalServer(tx, ctx.actor, ctx.now()));
      if (!input.preview) await syncProfileDomains(tx, ctx, resource.id, resource.access);
      return createAttempt(tx, ctx.actor, ctx.now(), {
        resource,
        server,
        trigger: input.preview ? 'preview' : 'deploy',
        preview: input.preview ?? null,
        snapshot: {
          source: resource.source,
          runtime: resource.runtime,
          build: resource.build,
          network: resource.network,
          health: resource.health,
          access: resource.access,
          composeDocument: input.composeDocument,
        },
      });
    });
    ctx.deploy.runner.start(deployment.id);
    return deploymentView(deployment);
  },
});

export const showDeployment = defineOperation({
  name: 'deployments.show',
  kind: 'query',
  summary: 'Show one deployment attempt: status, phase, source summary, recovery hint, error.',
  input: z.strictObject({ id: recordId }),
  output: deploymentOut,
  errors: ['deployment_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/deployments/{id}' },
  cli: { words: ['deployment', 'show'], positionals: ['id'] },
  handler: async ({ id }, ctx) => {
    const d = (await ctx.store.deployments.get(id)) ?? fail('deployment_not_found', 'No deployment has this id.', { id });
    return deploymentView(d);
  },
});

export const listDeployments = defineOperation({
  name: 'deployments.list',
  kind: 'query',
  summary: 'List deployment attempts, newest first (archived ones only when asked).',
  input: z.strictObject({
    resourceId: recordId.optional(),
    includeArchived: z.union([z.boolean(), z.stringbool()]).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  }),
  output: z.object({ items: z.array(deploymentOut) }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/deployments' },
  cli: { words: ['deployment', 'list'] },
  handler: async (input, ctx) => ({
    items: (await ctx.store.deployments.list({ resourceId: input.resourceId, includeArchived: input.includeArchived ?? false, limit: input.limit ?? 50 })).map(deploymentView),
  }),
});
