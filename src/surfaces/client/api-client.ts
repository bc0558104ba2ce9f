import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BerthError } from '../../core/errors/berth-error.js';
import type { ErrorObject } from '../../core/errors/types.js';
import type { Operation } from '../../operations/operation.js';
import { assertPathParams } from './path-params.js';
import { requestFor } from './request.js';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { PackedSource } from '../../ports/uploads.js';
import { decodeSse } from './sse.js';
import type { IncomingMessage, RequestOptions } from 'node:http';
import type { ClientTrust } from './tls-trust.js';
import { transportError } from './transport-error.js';

export interface Connection {
  url: string;
  token: string;
  /** True when BERTH_URL names the control plane: it cannot read this machine's files, so sources are uploaded. */
  remote?: boolean;
  /** The CAs an https control plane is verified against (system store plus BERTH_CA_CERT); node's defaults without it. */
  trust?: ClientTrust;
}

export type CallResult = { ok: true; data: unknown } | { ok: false; error: ErrorObject };

/** A thin HTTP client over the control plane; the CLI and the MCP server both use it. */
export class ApiClient {
  constructor(readonly connection: Connection) {}

  async call(op: Pick<Operation, 'http'> & Partial<Pick<Operation, 'input'>>, input: Record<string, unknown>): Promise<CallResult> {
    assertPathParams(op, input);
    const req = requestFor(op, input);
    const res = await this.raw(req.method, req.path, req.body);
    return this.result(res.status, res.body);
  }

  /** Opens a server-sent-events stream of a streaming operation; errors come back as error objects. */
  async stream(op: Pick<Operation, 'http'>, input: Record<string, unknown>, signal?: AbortSignal): Promise<{ ok: true; envelopes: AsyncGenerator<unknown> } | { ok: false; error: ErrorObject }> {
    const req = requestFor(op, input);
    const res = await this.open(req.method, req.path, undefined, { accept: 'text/event-stream' }, signal);
    if ((res.statusCode ?? 0) >= 300) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: ErrorObject };
      if (!parsed.error) throw new BerthError('control_plane_unreachable', 'The control plane answered without an error object.', { url: this.connection.url, reason: `status ${res.statusCode}` });
      return { ok: false, error: parsed.error };
    }
    return { ok: true, envelopes: decodeSse(res) };
  }

  /**
   * Streams a packed source to the upload operation with its sha256 and size. The control plane
   * may answer (a refusal) before the whole body is sent: the answer wins over the broken pipe.
   */
  async upload(packed: PackedSource): Promise<CallResult> {
    // Loaded here: its schemas are not needed by a client that only calls operations.
    const { createUpload } = await import('../../operations/uploads/create.js');
    const url = new URL(createUpload.http.path, this.connection.url);
    url.search = new URLSearchParams({ kind: packed.meta.kind, sha256: packed.sha256, ...(packed.meta.composeFile ? { composeFile: packed.meta.composeFile } : {}) }).toString();
    const headers = {
      authorization: `Bearer ${this.connection.token}`,
      'content-type': packed.meta.format === 'zip' ? 'application/zip' : 'application/x-tar',
      'content-length': String(packed.sizeBytes),
      // The body goes only once the control plane asks for it: a refusal comes before any byte.
      expect: '100-continue',
    };
    return new Promise((resolve, reject) => {
      let answered = false;
      // A fresh connection: the control plane closes one whose body it refused, so it must not be pooled.
      const req = this.send(url, { method: createUpload.http.method, headers, agent: false }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          req.destroy();
          try {
            resolve(this.result(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err);
          }
        });
      });
      const unreachable = (err: NodeJS.ErrnoException) => {
        if (!answered) reject(this.transportError(err));
      };
      req.on('error', unreachable);
      req.on('continue', () => {
        // A write error after the control plane refused the body mid-way is expected; the answer is what counts.
        pipeline(createReadStream(packed.file), req).catch(() => undefined);
      });
      req.flushHeaders();
    });
  }

  private result(status: number, body: string): CallResult {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new BerthError('control_plane_unreachable', 'The control plane answered with something that is not JSON.', { url: this.connection.url, reason: `status ${status}` });
    }
    if (status >= 200 && status < 300) return { ok: true, data: parsed };
    const error = (parsed as { error?: ErrorObject }).error;
    if (!error?.code) throw new BerthError('control_plane_unreachable', 'The control plane answered without an error object.', { url: this.connection.url, reason: `status ${status}` });
    return { ok: false, error };
  }

  private open(method: string, path: string, body: string | undefined, headers: Record<string, string>, signal?: AbortSignal, retryStale = true): Promise<IncomingMessage> {
    const url = new URL(path, this.connection.url);
    return new Promise((resolve, reject) => {
      const contentHeaders = body !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {};
      const req = this.send(url, { method, signal, headers: { authorization: `Bearer ${this.connection.token}`, ...contentHeaders, ...headers } }, resolve);
      req.on('error', (err: NodeJS.ErrnoException) => {
        // The server closed a pooled keep-alive socket just as this request went out on it (its
        // idle timer fired first), so it never read the request: once more on a fresh socket.
        if (retryStale && req.reusedSocket && err.code === 'ECONNRESET') resolve(this.open(method, path, body, headers, signal, false));
        else reject(this.transportError(err));
      });
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  async raw(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
    const res = await this.open(method, path, body, {});
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') };
  }

  /** One request to the control plane: https verified against the connection's trust, never downgraded. */
  private send(url: URL, options: RequestOptions, onResponse: (res: IncomingMessage) => void) {
    if (url.protocol !== 'https:') return httpRequest(url, options, onResponse);
    const trust = this.connection.trust;
    return httpsRequest(url, { ...options, ...(trust ? { secureContext: trust.secureContext() } : {}) }, onResponse);
  }

  private transportError(err: NodeJS.ErrnoException): BerthError {
    return transportError(this.connection.url, this.connection.trust, err);
  }
}
