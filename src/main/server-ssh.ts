import { createDockerEngine } from '../adapters/docker/docker-engine.js';
import { BerthError } from '../core/errors/berth-error.js';
import type { Server } from '../core/model/records.js';
import type { SecretCipher } from '../ports/secrets.js';
import type { ServerSsh } from '../ports/server-ssh.js';
import type { SshConnector, SshTarget } from '../ports/ssh.js';
import type { Store } from '../ports/store.js';

/** What register seals: the key text and its passphrase, as one value. */
export interface ServerCredentials {
  privateKey?: string;
  passphrase?: string;
}

const SYSTEM = { kind: 'system', id: 'control-plane' } as const;

export interface ServerSshWiring {
  store: Store;
  secrets: SecretCipher;
  connector: SshConnector;
  /** SSH_AUTH_SOCK for servers registered with `agent`. */
  agentSocket?: string;
}

export function createServerSsh(w: ServerSshWiring): ServerSsh {
  /** Host keys this process accepted on first use, by server id. */
  const firstUsed = new Map<string, string>();
  async function targetOf(server: Server): Promise<SshTarget> {
    if (server.kind !== 'ssh' || !server.host) {
      throw new BerthError('server_unsupported', 'Only SSH servers are reached over SSH.', { serverId: server.id, serverKind: server.kind, supportedKinds: ['ssh'] });
    }
    const sealed = await w.store.servers.sealedCredentials(server.id);
    const creds: ServerCredentials = sealed ? (JSON.parse(w.secrets.open(sealed)) as ServerCredentials) : {};
    return {
      serverId: server.id,
      host: server.host,
      port: server.port ?? 22,
      user: server.user ?? 'root',
      ...(creds.privateKey ? { privateKey: creds.privateKey } : {}),
      ...(creds.passphrase ? { passphrase: creds.passphrase } : {}),
      ...(server.auth === 'agent' && w.agentSocket ? { agentSocket: w.agentSocket } : {}),
      ...(server.hostKey ? { hostKey: server.hostKey } : {}),
      connectTimeoutMs: 10_000,
    };
  }
  return {
    async connect(server) {
      // Re-read: another call may have pinned the key since the caller loaded the record.
      const current = (await w.store.servers.get(server.id)) ?? server;
      const target = await targetOf(current);
      // A key this process trusted on first use stays out of the target: the pooled connection
      // keeps its identity (a changed target would replace it under the callers using it). The
      // connector itself holds the accepted key for reconnects; only that key is accepted again.
      const trusted = firstUsed.get(current.id);
      if (trusted && trusted === current.hostKey) {
        delete target.hostKey;
        const session = await w.connector.session(target, { onFirstHostKey: (fingerprint) => fingerprint === trusted });
        return { session, fingerprint: session.hostKey, pinnedNow: false };
      }
      let firstUse: string | undefined;
      const session = await w.connector.session(target, {
        onFirstHostKey: (fingerprint) => {
          firstUse = fingerprint;
          return true;
        },
      });
      if (firstUse) firstUsed.set(current.id, firstUse);
      if (firstUse && !current.hostKey) {
        const fingerprint = firstUse;
        const pinned = await w.store.transaction(async (tx) => {
          // Two first connections at once: the first pin wins; the other must have seen the same key.
          if (!(await tx.servers.pinFirstHostKey(current.id, fingerprint))) return false;
          await tx.audit.append({ type: 'server.host-key-pinned', aggregateType: 'server', aggregateId: current.id, actor: SYSTEM, payload: { id: current.id, hostKey: fingerprint, firstUse: true } });
          return true;
        });
        if (pinned) return { session, fingerprint, pinnedNow: true };
        const expected = (await w.store.servers.get(current.id))?.hostKey;
        if (expected && expected !== fingerprint) {
          w.connector.drop(current.id);
          throw new BerthError('ssh_host_key_mismatch', 'The server presented a host key other than the pinned one.', { host: current.host, port: current.port ?? 22, expected, presented: fingerprint });
        }
      }
      return { session, fingerprint: session.hostKey, pinnedNow: false };
    },
    async engineVersion(session, socketPath) {
      const info = await createDockerEngine({ ssh: { session, socketPath } }).info();
      return { version: info.version, apiVersion: info.apiVersion };
    },
    async fsStats(session, path) {
      const sftp = await session.sftp();
      const st = await new Promise<Record<string, number | bigint>>((resolve, reject) => sftp.ext_openssh_statvfs(path, (err, info: Record<string, number | bigint>) => (err ? reject(err) : resolve(info))));
      const n = (k: string) => Number(st[`f_${k}`] ?? 0);
      const unit = n('frsize') || n('bsize');
      return { path, freeBytes: n('bavail') * unit, totalBytes: n('blocks') * unit, freeInodes: n('favail'), totalInodes: n('files') };
    },
    drop(serverId) {
      firstUsed.delete(serverId);
      w.connector.drop(serverId);
    },
  };
}
