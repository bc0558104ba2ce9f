import { z } from 'zod';
import { recordId } from '../id-input.js';
import { fail } from '../../core/errors/berth-error.js';
import { newId } from '../../core/ids/ids.js';
import { resourceName } from '../../core/model/profiles.js';
import { SERVER_DEFAULTS, type Actor, type Server } from '../../core/model/records.js';
import { requireConfirmation } from '../confirmation.js';
import { serverOf } from '../lookup.js';
import type { StoreRepos } from '../../ports/store.js';
import { defineOperation } from '../operation.js';
import { serverOut } from '../records.js';
import { assertNameFree, insertAudited } from '../audited-insert.js';
import { acmeCaInput, acmeEmailInput, serverWithAcmeOut, withAcme } from './server-acme.js';

export const LOCAL_SERVER_NAME = 'local';

/** The `local` server (this machine's Docker engine) exists on every installation. */
export async function ensureLocalServer(tx: StoreRepos, actor: Actor, now: Date): Promise<Server> {
  const existing = await tx.servers.findByName(LOCAL_SERVER_NAME);
  if (existing) return existing;
  const server: Server = { id: newId('server'), name: LOCAL_SERVER_NAME, kind: 'local', host: null, port: null, user: null, ...SERVER_DEFAULTS, createdAt: now.toISOString() };
  return insertAudited(tx, actor, { type: 'server.registered', aggregateType: 'server' }, server, (x) => tx.servers.create(x));
}

/** A host key fingerprint as `ssh-keygen -lf` prints it: SHA256 and 43 unpadded base64 characters. */
export const hostKeyFingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'SHA256: followed by 43 base64 characters');

const absolutePath = z.string().min(2).max(1024).regex(/^\/[^\0]*$/, 'an absolute path');

export const registerServer = defineOperation({
  name: 'servers.register',
  kind: 'command',
  summary: 'Register an SSH server with Docker as a deployment target: a private key (sealed like resource secrets) or the SSH agent, and optionally its pinned host key.',
  input: z
    .strictObject({
      name: resourceName,
      host: z.string().min(1).max(253),
      port: z.number().int().min(1).max(65535).default(22),
      user: z.string().min(1).max(64).default('root'),
      key: z.string().min(1).max(65_536).regex(/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a PEM or OpenSSH private key').optional().describe('private key file (the CLI reads the file; the text is sealed, never shown)'),
      agent: z.boolean().optional().describe('authenticate with the SSH agent (SSH_AUTH_SOCK of the control plane)'),
      passphrase: z.string().min(1).max(1024).optional().describe("the private key's passphrase (sealed)"),
      hostKey: hostKeyFingerprint.optional().describe('pinned host key fingerprint (SHA256:...); without it the first connection pins the presented key'),
      stateRoot: absolutePath.default(SERVER_DEFAULTS.stateRoot),
      httpPort: z.number().int().min(1).max(65535).default(SERVER_DEFAULTS.httpPort),
      baseDomain: z.string().min(1).max(253).optional(),
      dockerSocket: absolutePath.default(SERVER_DEFAULTS.dockerSocket),
      acmeCa: acmeCaInput.optional(),
      acmeEmail: acmeEmailInput.optional(),
    })
    .superRefine((v, c) => {
      if ((v.key === undefined) === (v.agent !== true)) c.addIssue({ code: 'custom', path: [v.key !== undefined ? 'agent' : 'key'], message: 'exactly one of key and agent' });
      if (v.passphrase !== undefined && v.key === undefined) c.addIssue({ code: 'custom', path: ['passphrase'], message: 'a passphrase needs a key' });
    }),
  output: serverWithAcmeOut,
  errors: ['name_conflict'],
  destructive: false,
  http: { method: 'POST', path: '/api/servers' },
  cli: { words: ['server', 'register'], positionals: ['name'], files: ['key'] },
  handler: async (input, ctx) =>
    ctx.store.transaction(async (tx) => {
      assertNameFree('server', input.name, await tx.servers.findByName(input.name));
      const server: Server = {
        id: newId('server'),
        name: input.name,
        kind: 'ssh',
        host: input.host,
        port: input.port,
        user: input.user,
        auth: input.key !== undefined ? 'key' : 'agent',
        hostKey: input.hostKey ?? null,
        stateRoot: input.stateRoot,
        httpPort: input.httpPort,
        baseDomain: input.baseDomain ?? null,
        dockerSocket: input.dockerSocket,
        acmeCa: input.acmeCa ?? null,
        acmeEmail: input.acmeEmail ?? null,
        createdAt: ctx.now().toISOString(),
      };
      // The key and passphrase go to the store sealed only, and nowhere else (not the record, the audit or the output).
      const sealed = input.key !== undefined ? ctx.secrets.seal(JSON.stringify({ privateKey: input.key, ...(input.passphrase ? { passphrase: input.passphrase } : {}) })) : undefined;
      return withAcme(await insertAudited(tx, ctx.actor, { type: 'server.registered', aggregateType: 'server' }, server, (x) => tx.servers.create(x, sealed)), ctx);
    }),
});

export const pinHostKey = defineOperation({
  name: 'servers.pin-host-key',
  kind: 'command',
  summary: "Pin an SSH server's host key (after the server's key changed on purpose); the next connection must present it.",
  input: z.strictObject({ id: recordId, hostKey: hostKeyFingerprint, confirm: recordId }),
  output: serverOut,
  errors: ['server_not_found', 'server_unsupported', 'confirmation_mismatch'],
  destructive: true,
  confirmationField: 'confirm',
  http: { method: 'POST', path: '/api/servers/{id}/pin-host-key' },
  cli: { words: ['server', 'pin-host-key'], positionals: ['id'] },
  handler: async ({ id, hostKey, confirm }, ctx) => {
    requireConfirmation(confirm, id, 'server');
    const server = await serverOf(ctx, id);
    if (server.kind !== 'ssh') fail('server_unsupported', 'Only SSH servers have a host key.', { serverId: id, serverKind: server.kind, supportedKinds: ['ssh'] });
    await ctx.store.transaction(async (tx) => {
      await tx.servers.setHostKey(id, hostKey);
      await tx.audit.append({ type: 'server.host-key-pinned', aggregateType: 'server', aggregateId: id, actor: ctx.actor, payload: { id, hostKey, previous: server.hostKey, firstUse: false } });
    });
    // A live connection was made with the old key: the next one checks the new pin.
    ctx.ssh.drop(id);
    return { ...server, hostKey };
  },
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
  summary: 'Show one deployment target, with the ACME CA and email its edge uses and where each comes from (the server or the control plane).',
  input: z.strictObject({ id: recordId }),
  output: serverWithAcmeOut,
  errors: ['server_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/servers/{id}' },
  cli: { words: ['server', 'show'], positionals: ['id'] },
  handler: async ({ id }, ctx) => withAcme(await serverOf(ctx, id), ctx),
});
