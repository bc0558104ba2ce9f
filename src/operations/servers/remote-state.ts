import { z } from 'zod';
import { BerthError, fail } from '../../core/errors/berth-error.js';
import { newId } from '../../core/ids/ids.js';
import type { Server } from '../../core/model/records.js';
import { lockRecoveryFacts } from '../../core/remote-state/lock.js';
import { trackWork } from '../../core/work/track.js';
import type { OperationContext } from '../../ports/context.js';
import { auditLockRecovery } from '../../engine/servers/lock-recovery.js';
import { defineOperation } from '../operation.js';

// `berth remote-state lock inspect|recover-stale --server NAME | --server-host H`: the state-root
// lock of an SSH server, outside the deployment mutation path. Inspect only reads; recover-stale
// refuses an active lock, archives a stale one's metadata in backups/ and keeps the journal.

const serverInput = {
  server: z.string().min(1).max(253).optional().describe('the server, by name or id'),
  serverHost: z.string().min(1).max(253).optional().describe('the server, by its registered host'),
};

const lockOut = z.object({
  owner: z.string(),
  correlationId: z.string(),
  heartbeatAt: z.string(),
  staleAfterSeconds: z.number(),
  acquiredAt: z.string(),
  host: z.string().optional(),
});

/** The registered server named by --server (name or id) or --server-host. */
async function serverFrom(ctx: OperationContext, input: { server?: string | undefined; serverHost?: string | undefined }): Promise<Server> {
  if (!input.server === !input.serverHost) {
    fail('validation_failed', 'Name the server with exactly one of server or serverHost.', {
      validationIssueCodes: ['custom'],
      validationIssuePaths: ['server'],
      validationIssueMessages: ['exactly one of server, serverHost'],
    });
  }
  if (input.server) {
    const found = (await ctx.store.servers.findByName(input.server)) ?? (await ctx.store.servers.get(input.server));
    return found ?? fail('server_not_found', 'No server has this name or id.', { id: input.server });
  }
  const byHost = (await ctx.store.servers.list()).filter((s) => s.kind === 'ssh' && s.host === input.serverHost);
  if (byHost.length === 0) fail('server_not_found', 'No SSH server is registered with this host.', { id: input.serverHost });
  if (byHost.length > 1) {
    fail('validation_failed', 'Several servers are registered with this host; name one with server.', {
      validationIssueCodes: ['custom'],
      validationIssuePaths: ['serverHost'],
      validationIssueMessages: [`ambiguous: ${byHost.map((s) => s.name).join(', ')}`],
    });
  }
  return byHost[0]!;
}

/** What reaching a server's state root can answer: the server lookup, SSH, and the root itself. */
const REACH_STATE_ROOT_ERRORS = ['server_not_found', 'server_unsupported', 'infra_error', 'ssh_unreachable', 'ssh_auth_failed', 'ssh_host_key_mismatch'] as const;

export const inspectRemoteStateLock = defineOperation({
  name: 'remote-state.lock-inspect',
  kind: 'query',
  summary: "Show an SSH server's state-root lock (owner, correlation, heartbeat, stale window) and layout, without taking the lock or writing anything on the server.",
  input: z.strictObject(serverInput),
  output: z.object({
    serverId: z.string(),
    host: z.string(),
    port: z.number(),
    stateRoot: z.string(),
    layoutVersion: z.number().nullable(),
    lock: lockOut.nullable(),
    stale: z.boolean().nullable(),
    secondsUntilStale: z.number().nullable(),
    journalRecords: z.number(),
  }),
  errors: [...REACH_STATE_ROOT_ERRORS],
  destructive: false,
  http: { method: 'GET', path: '/api/remote-state/lock' },
  cli: { words: ['remote-state', 'lock', 'inspect'] },
  handler: async (input, ctx) => {
    const server = await serverFrom(ctx, input);
    const root = await ctx.remoteState.forServer(server);
    const seen = await root.inspect();
    return { serverId: server.id, host: root.host, port: root.port, ...seen };
  },
});

export const recoverStaleRemoteStateLock = defineOperation({
  name: 'remote-state.lock-recover-stale',
  kind: 'command',
  summary: "Recover an SSH server's state-root lock whose heartbeat is older than its stale window: its metadata is archived under backups/, the journal is kept. An active lock is refused (remote_state_lock_active), never deleted.",
  input: z.strictObject(serverInput),
  output: z.object({
    serverId: z.string(),
    recovered: z.boolean(),
    lock: lockOut.nullable(),
    archivedAs: z.string().nullable(),
    /** The remote-state work item of the recovery (null when there was no lock). */
    workId: z.string().nullable(),
  }),
  errors: [...REACH_STATE_ROOT_ERRORS, 'remote_state_lock_active'],
  destructive: false,
  http: { method: 'POST', path: '/api/remote-state/lock/recover-stale' },
  cli: { words: ['remote-state', 'lock', 'recover-stale'] },
  handler: async (input, ctx) => {
    const server = await serverFrom(ctx, input);
    const root = await ctx.remoteState.forServer(server);
    const seen = await root.inspect();
    if (!seen.lock) return { serverId: server.id, recovered: false, lock: null, archivedAs: null, workId: null };
    if (!seen.stale) {
      throw new BerthError('remote_state_lock_active', 'The lock is active (its heartbeat is inside the stale window); it is not recovered.', {
        lockOwner: seen.lock.owner,
        correlationId: seen.lock.correlationId,
        lockHeartbeatAt: seen.lock.heartbeatAt,
        staleAfterSeconds: seen.lock.staleAfterSeconds,
        secondsUntilStale: seen.secondsUntilStale,
      });
    }
    const workId = newId('work', ctx.now().getTime());
    const done = await trackWork(ctx.store.work, { id: workId, kind: 'remote-state', serverId: server.id, details: { action: 'lock-recover-stale', stateRoot: root.stateRoot } }, () => root.recoverStale(workId), {
      detailsOf: (r) => (r ? { recovered: true, ...lockRecoveryFacts({ stateRoot: root.stateRoot, ...r }) } : { recovered: false }),
      now: () => ctx.now(),
    });
    if (done) await auditLockRecovery(ctx.store, { serverId: server.id, actor: ctx.actor, workId, stateRoot: root.stateRoot, recovered: done });
    return { serverId: server.id, recovered: done !== null, lock: done?.lock ?? null, archivedAs: done?.archivedAs ?? null, workId };
  },
});
