import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { newId } from '../../core/ids/ids.js';
import { resourceName } from '../../core/model/profiles.js';
import type { Actor, Server } from '../../core/model/records.js';
import type { StoreRepos } from '../../ports/store.js';
import { defineOperation } from '../operation.js';
import { serverOut } from '../records.js';
import { assertNameFree, insertAudited } from '../audited-insert.js';

export const LOCAL_SERVER_NAME = 'local';

/** The `local` server (this machine's Docker engine) exists on every installation. */
export async function ensureLocalServer(tx: StoreRepos, actor: Actor, now: Date): Promise<Server> {
  const existing = await tx.servers.findByName(LOCAL_SERVER_NAME);
  if (existing) return existing;
  const server: Server = { id: newId('server'), name: LOCAL_SERVER_NAME, kind: 'local', host: null, port: null, user: null, createdAt: now.toISOString() };
  return insertAudited(tx, actor, { type: 'server.registered', aggregateType: 'server' }, server, (x) => tx.servers.create(x));
}

export const registerServer = defineOperation({
  name: 'servers.register',
  kind: 'command',
  summary: 'Register an SSH server with Docker as a deployment target.',
  input: z.strictObject({
    name: resourceName,
    host: z.string().min(1).max(253),
    port: z.number().int().min(1).max(65535).default(22),
    user: z.string().min(1).max(64).default('root'),
  }),
  output: serverOut,
  errors: ['name_conflict'],
  destructive: false,
  http: { method: 'POST', path: '/api/servers' },
  cli: { words: ['server', 'register'], positionals: ['name'] },
  handler: async (input, ctx) =>
    ctx.store.transaction(async (tx) => {
      assertNameFree('server', input.name, await tx.servers.findByName(input.name));
      const server: Server = { id: newId('server'), name: input.name, kind: 'ssh', host: input.host, port: input.port, user: input.user, createdAt: ctx.now().toISOString() };
      return insertAudited(tx, ctx.actor, { type: 'server.registered', aggregateType: 'server' }, server, (x) => tx.servers.create(x));
    }),
});

export const listServers = defineOperation({
  name: 'servers.list',
  kind: 'query',
  summary: 'List deployment targets.',
  input: z.strictObject({}),
  output: z.object({ items: z.array(serverOut) }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/servers' },
  cli: { words: ['server', 'list'] },
  handler: async (_input, ctx) => ({ items: await ctx.store.servers.list() }),
});

export const showServer = defineOperation({
  name: 'servers.show',
  kind: 'query',
  summary: 'Show one deployment target.',
  input: z.strictObject({ id: recordId }),
  output: serverOut,
  errors: ['server_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/servers/{id}' },
  cli: { words: ['server', 'show'], positionals: ['id'] },
  handler: async ({ id }, ctx) => (await ctx.store.servers.get(id)) ?? fail('server_not_found', 'No server has this id.', { id }),
});
