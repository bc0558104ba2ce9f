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
      let firstUse: string | undefined;
      const session = await w.connector.session(target, {
        onFirstHostKey: (fingerprint) => {
          firstUse = fingerprint;
          return true;
        },
      });
      if (firstUse && !current.hostKey) {
        const fingerprint = firstUse;
        await w.store.transaction(async (tx) => {
          await tx.servers.setHostKey(current.id, fingerprint);
          await tx.audit.append({ type: 'server.host-key-pinned', aggregateType: 'server', aggregateId: current.id, actor: SYSTEM, payload: { id: current.id, hostKey: fingerprint, firstUse: true } });
        });
        return { session, fingerprint, pinnedNow: true };
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
      w.connector.drop(serverId);
    },
  };
}
