import { Client, type ClientChannel, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { createHash } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { BerthError } from '../../core/errors/berth-error.js';
import type { ExecResult, SshConnector, SshSession, SshTarget } from '../../ports/ssh.js';
import { fingerprintOf, normalizeFingerprint } from './fingerprint.js';
import { commandLine } from './quote.js';

// The SSH connector over ssh2: one connection per server, shared by every session of it and
// every stream through it (each Docker API request is one channel, not one TCP connection).
// A connection that drops is noticed by its close event (or keepalives) and replaced by the
// next call. Host keys are checked before anything is sent: a pinned key must match, an
// unpinned one is accepted only by onFirstHostKey and then pinned for this connector's life.

export interface Ssh2ConnectorOptions {
  /** Keepalive probes, so a connection whose server vanished is noticed without traffic. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Default handshake deadline when the target sets none. */
  connectTimeoutMs?: number;
}

type FirstHostKey = (fingerprint: string) => boolean | Promise<boolean>;

interface Connection {
  /** The target fields the connection was made with; a changed target gets a new connection. */
  identity: string;
  client: Client;
  hostKey: string;
  alive: boolean;
  sftp?: Promise<SFTPWrapper>;
}

const MAX_EXEC_OUTPUT = 1 << 20;

/** Errors of a channel the server refused (socket missing, forwarding denied): the engine adapters read `code`. */
export class SshChannelError extends Error {
  readonly code = 'ECONNREFUSED';
}

export class Ssh2Connector implements SshConnector {
  private readonly pool = new Map<string, Promise<Connection>>();
  /** Host keys accepted on first use, pinned for reconnects of the same server. */
  private readonly accepted = new Map<string, string>();

  constructor(private readonly opts: Ssh2ConnectorOptions = {}) {}

  async session(target: SshTarget, opts: { onFirstHostKey?: FirstHostKey } = {}): Promise<SshSession> {
    const conn = await this.connection(target, opts.onFirstHostKey);
    return new PooledSession(this, target, conn.hostKey, opts.onFirstHostKey);
  }

  /** The server's live connection; a dropped or outdated one is replaced. */
  async connection(target: SshTarget, onFirstHostKey?: FirstHostKey): Promise<Connection> {
    const id = identityOf(target);
    const pending = this.pool.get(target.serverId);
    if (pending) {
      // A concurrent attempt's failure is this caller's too (a wrong key stays wrong).
      const conn = await pending;
      if (conn.alive && conn.identity === id) return conn;
      if (this.pool.get(target.serverId) === pending) {
        this.pool.delete(target.serverId);
        conn.client.end();
      }
      return this.connection(target, onFirstHostKey);
    }
    const attempt = this.connect(target, id, onFirstHostKey);
    this.pool.set(target.serverId, attempt);
    attempt.then(
      (conn) => conn.client.once('close', () => this.pool.get(target.serverId) === attempt && this.pool.delete(target.serverId)),
      () => this.pool.get(target.serverId) === attempt && this.pool.delete(target.serverId),
    );
    return attempt;
  }

  drop(serverId: string): void {
    const pending = this.pool.get(serverId);
    this.pool.delete(serverId);
    this.accepted.delete(serverId);
    void pending?.then((c) => c.client.end(), () => undefined);
  }

  async closeAll(): Promise<void> {
    const all = [...this.pool.values()];
    this.pool.clear();
    await Promise.all(
      all.map((p) =>
        p.then(
          (c) =>
            new Promise<void>((resolve) => {
              if (!c.alive) return resolve();
              c.client.once('close', () => resolve());
              c.client.end();
            }),
          () => undefined,
        ),
      ),
    );
  }

  private connect(target: SshTarget, identity: string, onFirstHostKey?: FirstHostKey): Promise<Connection> {
    const { host, port, user } = target;
    const pinned = target.hostKey ? normalizeFingerprint(target.hostKey) : this.accepted.get(target.serverId);
    const methods = [...(target.privateKey ? ['publickey'] : []), ...(target.agentSocket ? ['agent'] : [])];
    return new Promise<Connection>((resolve, reject) => {
      const client = new Client();
      let hostKeyError: BerthError | undefined;
      let presented: string | undefined;
      let settled = false;
      const fail = (e: BerthError) => {
        if (settled) return;
        settled = true;
        client.end();
        reject(e);
      };
      const classify = (err: Error & { level?: string; code?: string }): BerthError => {
        if (hostKeyError) return hostKeyError;
        if (err.level === 'client-authentication') {
          return new BerthError('ssh_auth_failed', `The server refused the credentials for ${user} (${host}:${port}).`, { host, port, user, methods: methods.length ? methods : ['none'] });
        }
        return unreachable(host, port, reasonOf(err));
      };
      client.on('ready', () => {
        settled = true;
        // Engine API requests are small request/response pairs on channels of this connection:
        // with Nagle's algorithm each waited for the peer's delayed ACK (measured: 44 ms each).
        client.setNoDelay(true);
        const conn: Connection = { identity, client, hostKey: presented!, alive: true };
        client.once('close', () => (conn.alive = false));
        resolve(conn);
      });
      // After ready an error is followed by close, which marks the connection dead.
      client.on('error', (err) => fail(classify(err)));
      client.on('close', () => fail(hostKeyError ?? unreachable(host, port, 'closed')));
      const config: ConnectConfig = {
        host,
        port,
        username: user,
        ...(target.privateKey ? { privateKey: target.privateKey } : {}),
        ...(target.passphrase ? { passphrase: target.passphrase } : {}),
        ...(target.agentSocket ? { agent: target.agentSocket } : {}),
        readyTimeout: target.connectTimeoutMs ?? this.opts.connectTimeoutMs ?? 20_000,
        keepaliveInterval: this.opts.keepaliveIntervalMs ?? 15_000,
        keepaliveCountMax: this.opts.keepaliveCountMax ?? 3,
        // Raw key blob in, our decision out; nothing is sent before verify(true).
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          presented = fingerprintOf(key);
          if (pinned) {
            if (pinned !== presented) hostKeyError = mismatch(host, port, pinned, presented);
            return verify(pinned === presented);
          }
          const fp = presented;
          Promise.resolve(onFirstHostKey ? onFirstHostKey(fp) : false).then(
            (ok) => {
              if (ok) this.accepted.set(target.serverId, fp);
              else hostKeyError = mismatch(host, port, null, fp);
              verify(ok);
            },
            (e: unknown) => {
              hostKeyError = e instanceof BerthError ? e : mismatch(host, port, null, fp);
              verify(false);
            },
          );
        },
      };
      try {
        client.connect(config);
      } catch {
        // ssh2 parses the key synchronously; its message may quote the key's header only, but say nothing of it.
        fail(new BerthError('ssh_auth_failed', `The private key for ${user} (${host}:${port}) cannot be read (wrong format or passphrase).`, { host, port, user, methods, reason: 'key-unreadable' }));
      }
    });
  }
}

class PooledSession implements SshSession {
  constructor(
    private readonly connector: Ssh2Connector,
    private readonly target: SshTarget,
    readonly hostKey: string,
    private readonly onFirstHostKey: FirstHostKey | undefined,
  ) {}

  /**
   * Opens a channel on the live connection. When it fails because the connection dropped
   * under it (not because the server refused the channel), once more on a fresh connection:
   * nothing ran on the server yet.
   */
  private async channel<T>(open: (client: Client) => Promise<T>): Promise<T> {
    const conn = await this.connector.connection(this.target, this.onFirstHostKey);
    try {
      return await callSafely(() => open(conn.client));
    } catch (e) {
      if (conn.alive && !(e instanceof Error && /not connected|no response/i.test(e.message))) throw e;
      conn.alive = false;
      const fresh = await this.connector.connection(this.target, this.onFirstHostKey);
      return callSafely(() => open(fresh.client));
    }
  }

  openUnixSocket(path: string): Promise<Duplex> {
    return this.channel(
      (client) =>
        new Promise<Duplex>((resolve, reject) => {
          client.openssh_forwardOutStreamLocal(path, (err, ch) => (err ? reject(channelError(err, `unix socket ${path}`)) : resolve(ch)));
        }),
    );
  }

  openTcp(host: string, port: number): Promise<Duplex> {
    return this.channel(
      (client) =>
        new Promise<Duplex>((resolve, reject) => {
          client.forwardOut('127.0.0.1', 0, host, port, (err, ch) => (err ? reject(channelError(err, `${host}:${port}`)) : resolve(ch)));
        }),
    );
  }

  async sftp(): Promise<SFTPWrapper> {
    const conn = await this.connector.connection(this.target, this.onFirstHostKey);
    conn.sftp ??= callSafely(
      () =>
        new Promise<SFTPWrapper>((resolve, reject) => {
          conn.client.sftp((err, sftp) => {
            if (err) return reject(channelError(err, 'sftp'));
            sftp.once('close', () => (conn.sftp = undefined));
            resolve(sftp);
          });
        }),
    );
    conn.sftp.catch(() => (conn.sftp = undefined));
    return conn.sftp;
  }

  async exec(argv: string[], opts: { timeoutMs?: number } = {}): Promise<ExecResult> {
    // sshd hands the command string to the user's shell: every argument is single-quoted.
    const command = commandLine(argv);
    const { ch, done } = await this.channel(
      (client) =>
        new Promise<{ ch: ClientChannel; done: Promise<ExecResult> }>((resolve, reject) =>
          // Collect in the callback itself: ssh2 may emit exit from the same chunk, before an await resumes.
          client.exec(command, (err, c) => (err ? reject(channelError(err, 'exec')) : resolve({ ch: c, done: collect(c) }))),
        ),
    );
    if (!opts.timeoutMs) return done;
    const deadlineSeconds = opts.timeoutMs / 1000;
    // AbortSignal.timeout rather than a timer: the one pause in Berth is core/time/delay.ts.
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    return Promise.race([
      done,
      new Promise<never>((_, reject) =>
        timeout.addEventListener(
          'abort',
          () => {
            ch.close();
            reject(new BerthError('step_deadline_exceeded', `${argv[0]} did not finish on the server in time.`, { step: 'ssh-exec', deadlineSeconds }));
          },
          { once: true },
        ),
      ),
    ]);
  }
}

/** Output (bounded) and exit status of an exec channel; listeners attached synchronously. */
function collect(ch: ClientChannel): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let exitCode: number | undefined;
    let signal: string | undefined;
    ch.on('data', (b: Buffer) => outLen < MAX_EXEC_OUTPUT && (out.push(b), (outLen += b.length)));
    ch.stderr.on('data', (b: Buffer) => errLen < MAX_EXEC_OUTPUT && (err.push(b), (errLen += b.length)));
    ch.on('exit', (code: number | null, sig?: string) => {
      exitCode = code ?? undefined;
      signal = sig;
    });
    ch.on('close', () =>
      resolve({
        // A program killed by a signal has no exit status; report it the way a shell does.
        exitCode: exitCode ?? (signal ? 128 + (SIGNALS[signal.replace(/^SIG/, '')] ?? 0) : -1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, TERM: 15 };

/** ssh2 throws synchronously when its socket is gone ("Not connected"); make that a rejection. */
function callSafely<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return fn();
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

function channelError(err: Error, what: string): Error {
  if (/not connected|no response/i.test(err.message)) return err;
  return new SshChannelError(`The server refused a channel to ${what}: ${err.message}`);
}

function identityOf(t: SshTarget): string {
  const secret = createHash('sha256').update(`${t.privateKey ?? ''}\0${t.passphrase ?? ''}`).digest('hex');
  return JSON.stringify([t.host, t.port, t.user, t.hostKey ? normalizeFingerprint(t.hostKey) : null, t.agentSocket ?? null, secret]);
}

type UnreachableReason = 'refused' | 'timeout' | 'dns' | 'closed';

function reasonOf(err: Error & { level?: string; code?: string }): UnreachableReason {
  const code = err.code ?? '';
  if (['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL'].includes(code)) return 'dns';
  if (['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'].includes(code)) return 'refused';
  if (code === 'ETIMEDOUT' || err.level === 'client-timeout') return 'timeout';
  return 'closed';
}

function unreachable(host: string, port: number, reason: UnreachableReason): BerthError {
  return new BerthError('ssh_unreachable', `The server ${host}:${port} cannot be reached over SSH (${reason}).`, { host, port, reason });
}

function mismatch(host: string, port: number, expected: string | null, presented: string): BerthError {
  const message =
    expected === null
      ? `The host key of ${host}:${port} (${presented}) was not accepted.`
      : `The host key of ${host}:${port} is not the pinned one: expected ${expected}, presented ${presented}.`;
  return new BerthError('ssh_host_key_mismatch', message, { host, port, expected, presented });
}

export function createSshConnector(opts?: Ssh2ConnectorOptions): SshConnector {
  return new Ssh2Connector(opts);
}
