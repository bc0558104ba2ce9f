import type { Server } from '../core/model/records.js';
import type { SshSession } from './ssh.js';

// A registered SSH server as operations reach it: the composition root unseals its credentials,
// pins its host key on first use and keeps one connection per server.

export interface ServerSession {
  session: SshSession;
  /** The fingerprint the server presented. */
  fingerprint: string;
  /** True when this connection pinned the key (trust on first use): it is now on the record. */
  pinnedNow: boolean;
}

export interface FsStats {
  path: string;
  freeBytes: number;
  totalBytes: number;
  freeInodes: number;
  totalInodes: number;
}

export interface ServerSsh {
  /**
   * The server's session. Throws BerthError ssh_unreachable, ssh_host_key_mismatch or
   * ssh_auth_failed (the connector's codes), in the order a connection meets them.
   */
  connect(server: Server): Promise<ServerSession>;
  /** The Docker Engine's version through the session's forwarded socket. */
  engineVersion(session: SshSession, socketPath: string): Promise<{ version: string; apiVersion: string }>;
  /** statvfs of a path on the server (over SFTP, no shell). */
  fsStats(session: Pick<SshSession, 'sftp'>, path: string): Promise<FsStats>;
  /** Closes the server's connection (after a re-pin). */
  drop(serverId: string): void;
}
