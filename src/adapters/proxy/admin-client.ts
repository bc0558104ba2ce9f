import { request, type Agent } from 'node:http';
import { BerthError } from '../../core/errors/berth-error.js';

// Caddy's admin API over its unix socket (never a TCP port: only this user can reconfigure the
// proxy). Transport failures are proxy_unavailable; HTTP statuses are for the caller to judge.

export interface AdminResponse {
  status: number;
  body: unknown;
  /** Caddy's {"error": "..."} message on a failed request. */
  error?: string;
}

export interface CaddyAdminOptions {
  /**
   * Opens each connection instead of this host's socket (a server's socket through SSH:
   * ForwardedSocketAgent); it must not keep connections alive, for the reason below.
   */
  agent?: Agent;
}

export class CaddyAdmin {
  constructor(
    /** The admin socket's path where Caddy runs (on this host, or on the server for an agent). */
    readonly socketPath: string,
    private readonly opts: CaddyAdminOptions = {},
  ) {}

  /** How errors name this endpoint (the form Caddy's `admin.listen` uses). */
  get adminUrl(): string {
    return `unix/${this.socketPath}`;
  }

  async call(method: string, path: string, body?: unknown, timeoutMs = 5_000): Promise<AdminResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          // A fresh connection per call: Node 20 keeps sockets alive by default, and Caddy closing
          // an idle admin connection while the next call reuses it is an EPIPE/ECONNRESET.
          ...(this.opts.agent ? { agent: this.opts.agent } : { socketPath: this.socketPath, agent: false }),
          method,
          path,
          // Caddy 2.6 only accepts an empty Host on a unix-socket admin endpoint.
          setHost: false,
          headers: { Host: '', ...(payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(this.unavailable(err)));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = undefined;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = text;
            }
            const status = res.statusCode ?? 0;
            const error = status >= 400 ? String((parsed as { error?: unknown })?.error ?? text).slice(0, 300) : undefined;
            resolve({ status, body: parsed, ...(error === undefined ? {} : { error }) });
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (err) => reject(this.unavailable(err)));
      req.end(payload);
    });
  }

  /** Whether Caddy answers on the socket at all. */
  async answers(timeoutMs = 1_000): Promise<boolean> {
    try {
      return (await this.call('GET', '/config/admin', undefined, timeoutMs)).status === 200;
    } catch {
      return false;
    }
  }

  unavailable(err: unknown): BerthError {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).name;
    return new BerthError('proxy_unavailable', 'The edge proxy admin API does not answer.', { adminUrl: this.adminUrl, reason });
  }
}
