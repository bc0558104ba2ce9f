import type { Duplex } from 'node:stream';

// One SSH server as the control plane reaches it. Adapters (ssh2) implement the connector; the
// engine, the proxy and the remote state root use sessions through it and nothing else.

/** How to reach and authenticate to a server; the key material is unsealed only to connect. */
export interface SshTarget {
  /** The server's record id: one pooled connection per server. */
  serverId: string;
  host: string;
  port: number;
  user: string;
  /** PEM/OpenSSH private key text (unsealed from the secret store), or use the agent. */
  privateKey?: string;
  passphrase?: string;
  /** SSH_AUTH_SOCK path when the operator chose `--agent`. */
  agentSocket?: string;
  /**
   * The pinned host key fingerprint (`SHA256:<base64>`, as `ssh-keygen -lf` prints it). Absent
   * means trust on first use: the connector presents the key to `onFirstHostKey` and connects
   * only when it returns true.
   */
  hostKey?: string;
  connectTimeoutMs?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** One live, reused connection to a server. */
export interface SshSession {
  /** The fingerprint the server presented (`SHA256:...`). */
  readonly hostKey: string;
  /** A stream to a unix socket on the server (its Docker Engine API), forwarded by sshd. */
  openUnixSocket(path: string): Promise<Duplex>;
  /** A stream to host:port as seen from the server (health probes of a container's address). */
  openTcp(host: string, port: number): Promise<Duplex>;
  /** SFTP file operations for the state root (no shell command lines). */
  sftp(): Promise<import('ssh2').SFTPWrapper>;
  /** Runs one program with fixed arguments (never a shell-built command line); for checks only. */
  exec(argv: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
}

export interface SshConnector {
  /**
   * The server's session, reusing a live connection and reconnecting one that dropped.
   * Throws BerthError ssh_unreachable (host, port, reason refused|timeout|dns|closed),
   * ssh_auth_failed, or ssh_host_key_mismatch (expected, presented).
   */
  session(target: SshTarget, opts?: { onFirstHostKey?: (fingerprint: string) => boolean | Promise<boolean> }): Promise<SshSession>;
  /** Closes the server's connection (after a re-pin, or on shutdown). */
  drop(serverId: string): void;
  closeAll(): Promise<void>;
}
