import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { secretName } from '../../core/governance/secret-name.js';
import type { Actor, Resource } from '../../core/model/records.js';
import type { StoreRepos } from '../../ports/store.js';
import { defineOperation } from '../operation.js';

// Resource secrets: values are sealed (ctx.secrets) before the store sees them and are never
// returned; resources keep only the names (secretNames), which deployment snapshots copy.

const resourceId = recordId;
/** Stores one sealed secret of a resource and names it on the resource; audited by name only. */
export async function putResourceSecret(tx: StoreRepos, x: { actor: Actor; now: Date }, resource: Resource, name: string, sealed: string): Promise<Resource> {
  const now = x.now.toISOString();
  await tx.resourceSecrets.put(resource.id, name, sealed, now);
  const updated = { ...resource, secretNames: [...new Set([...resource.secretNames, name])].sort(), updatedAt: now };
  await tx.resources.update(updated);
  await tx.audit.append({ type: 'resource.secret-set', aggregateType: 'resource', aggregateId: resource.id, actor: x.actor, payload: { resourceId: resource.id, secretName: name } });
  return updated;
}
const changedOut = z.object({ resourceId: z.string(), name: z.string(), changed: z.boolean(), secretNames: z.array(z.string()) });

export const setSecret = defineOperation({
  name: 'secrets.set',
  kind: 'command',
  summary: 'Set a secret environment variable of a resource; the value is stored encrypted and never shown again.',
  input: z.strictObject({ resourceId, name: secretName, value: z.string().max(65_536).describe('the secret value (never echoed)') }),
  output: changedOut,
  errors: ['resource_not_found'],
  destructive: false,
  http: { method: 'POST', path: '/api/resources/{resourceId}/secrets' },
  cli: { words: ['resource', 'secret', 'set'], positionals: ['resourceId', 'name'] },
  handler: async ({ resourceId: id, name, value }, ctx) => {
    const sealed = ctx.secrets.seal(value);
    return ctx.store.transaction(async (tx) => {
      const resource = (await tx.resources.get(id)) ?? fail('resource_not_found', 'No resource has this id.', { id });
      const { secretNames } = await putResourceSecret(tx, { actor: ctx.actor, now: ctx.now() }, resource, name, sealed);
      return { resourceId: id, name, changed: true, secretNames };
    });
  },
});

export const unsetSecret = defineOperation({
  name: 'secrets.unset',
  kind: 'command',
  summary: 'Remove a secret of a resource; the next deployment starts without it.',
  input: z.strictObject({ resourceId, name: secretName }),
  output: changedOut,
  errors: ['resource_not_found'],
  destructive: false,
  http: { method: 'DELETE', path: '/api/resources/{resourceId}/secrets/{name}' },
  cli: { words: ['resource', 'secret', 'unset'], positionals: ['resourceId', 'name'] },
  handler: async ({ resourceId: id, name }, ctx) =>
    ctx.store.transaction(async (tx) => {
      const resource = (await tx.resources.get(id)) ?? fail('resource_not_found', 'No resource has this id.', { id });
      const removed = await tx.resourceSecrets.remove(id, name);
      const secretNames = resource.secretNames.filter((n) => n !== name);
      const changed = removed || secretNames.length !== resource.secretNames.length;
      if (changed) {
        await tx.resources.update({ ...resource, secretNames, updatedAt: ctx.now().toISOString() });
        await tx.audit.append({ type: 'resource.secret-unset', aggregateType: 'resource', aggregateId: id, actor: ctx.actor, payload: { resourceId: id, secretName: name } });
      }
      return { resourceId: id, name, changed, secretNames };
    }),
});

export const listSecrets = defineOperation({
  name: 'secrets.list',
  kind: 'query',
  summary: 'List the secret names of a resource (never their values).',
  input: z.strictObject({ resourceId }),
  output: z.object({ resourceId: z.string(), items: z.array(z.object({ name: z.string(), updatedAt: z.string() })) }),
  errors: ['resource_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/resources/{resourceId}/secrets' },
  cli: { words: ['resource', 'secret', 'list'], positionals: ['resourceId'] },
  handler: async ({ resourceId: id }, ctx) => {
    if (!(await ctx.store.resources.get(id))) fail('resource_not_found', 'No resource has this id.', { id });
    return { resourceId: id, items: await ctx.store.resourceSecrets.names(id) };
  },
});
