import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BerthError } from '../../core/errors/berth-error.js';
import type { ErrorObject } from '../../core/errors/types.js';
import type { Operation } from '../../operations/operation.js';
import { assertPathParams } from './path-params.js';
import { requestFor } from './request.js';
import { decodeSse } from './sse.js';
import type { IncomingMessage } from 'node:http';

export interface Connection {
  url: string;
  token: string;
}

export type CallResult = { ok: true; data: unknown } | { ok: false; error: ErrorObject };

/** A thin HTTP client over the control plane; the CLI and the MCP server both use it. */
export class ApiClient {
  constructor(readonly connection: Connection) {}

  async call(op: Pick<Operation, 'http'> & Partial<Pick<Operation, 'input'>>, input: Record<string, unknown>): Promise<CallResult> {
    assertPathParams(op, input);
    const req = requestFor(op, input);
    const res = await this.raw(req.method, req.path, req.body);
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.body);
    } catch {
      throw new BerthError('control_plane_unreachable', 'The control plane answered with something that is not JSON.', { url: this.connection.url, reason: `status ${res.status}` });
    }
    if (res.status >= 200 && res.status < 300) return { ok: true, data: parsed };
    const error = (parsed as { error?: ErrorObject }).error;
    if (!error?.code) throw new BerthError('control_plane_unreachable', 'The control plane answered without an error object.', { url: this.connection.url, reason: `status ${res.status}` });
    return { ok: false, error };
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

  private open(method: string, path: string, body: string | undefined, headers: Record<string, string>, signal?: AbortSignal): Promise<IncomingMessage> {
    const url = new URL(path, this.connection.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method, signal, headers: { authorization: `Bearer ${this.connection.token}`, ...headers } }, resolve);
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(new BerthError('control_plane_unreachable', 'The control plane could not be reached.', { url: this.connection.url, reason: err.code ?? err.name })),
      );
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  raw(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
    const url = new URL(path, this.connection.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method,
          headers: {
            authorization: `Bearer ${this.connection.token}`,
            ...(body !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) =>
        reject(new BerthError('control_plane_unreachable', 'The control plane could not be reached.', { url: this.connection.url, reason: err.code ?? err.name })),
      );
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}
