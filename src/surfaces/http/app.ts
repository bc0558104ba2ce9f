import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { BerthError } from '../../core/errors/berth-error.js';
import type { Dispatcher } from '../../operations/dispatch.js';
import type { Operation } from '../../operations/operation.js';
import { openApiDocument } from './openapi.js';
import { httpStatusFor } from './status.js';
import { mountUploadRoute } from './upload-route.js';

export interface HttpAppOptions {
  operations: readonly Operation[];
  dispatcher: Dispatcher;
  version: string;
}

export function errorResponse(c: Context, error: BerthError): Response {
  const body = error.toObject();
  return c.json({ error: body }, httpStatusFor(body) as 400);
}

function bearerOf(c: Context): string | undefined {
  const header = c.req.header('authorization');
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim();
}

async function inputOf(c: Context, op: Operation): Promise<unknown> {
  const params = c.req.param() as Record<string, string>;
  if (op.http.method === 'GET' || op.http.method === 'DELETE') return { ...c.req.query(), ...params };
  const text = await c.req.text();
  let body: unknown = {};
  if (text.trim() !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      throw new BerthError('parse_failed', 'The request body is not valid JSON.', { file: 'request-body' });
    }
  }
  // A body that is not an object is passed as is, so validation names it.
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return { ...(body as Record<string, unknown>), ...params };
}

/** HTTP routes derived from the catalogue: one route per operation, errors as `{ error }`. */
export function createHttpApp(opts: HttpAppOptions): Hono {
  const app = new Hono();
  // Before every JSON route: the upload body is an archive, with its own limit and content types.
  mountUploadRoute(app, { dispatcher: opts.dispatcher, bearerOf, errorResponse });

  /** Server-sent events: `id` is the envelope cursor, `event` its kind, `data` the envelope. */
  async function serveStream(c: Context, op: Operation, input: unknown): Promise<Response> {
    const abort = new AbortController();
    const result = await opts.dispatcher.dispatchStream(op, input, bearerOf(c), abort.signal);
    if (!result.ok) return errorResponse(c, result.error);
    return streamSSE(c, async (sse) => {
      sse.onAbort(() => abort.abort());
      let next = result.first;
      while (!next.done) {
        const envelope = next.value as { kind: string; cursor: number };
        await sse.writeSSE({ id: String(envelope.cursor), event: envelope.kind, data: JSON.stringify(envelope) });
        next = await result.envelopes.next();
      }
      abort.abort();
    });
  }
  app.get('/api/openapi.json', (c) => c.json(openApiDocument(opts.operations, opts.version)));
  for (const op of opts.operations) {
    const path = op.http.path.replace(/\{(\w+)\}/g, ':$1');
    app.on(op.http.method, path, async (c) => {
      let input: unknown;
      try {
        input = await inputOf(c, op);
      } catch (err) {
        return errorResponse(c, err as BerthError);
      }
      if (op.stream && (c.req.header('accept') ?? '').includes('text/event-stream')) return serveStream(c, op, input);
      const result = await opts.dispatcher.dispatch(op, input, bearerOf(c));
      return result.ok ? c.json(result.data as object) : errorResponse(c, result.error);
    });
  }
  app.notFound((c) => errorResponse(c, new BerthError('operation_not_found', 'No operation answers this method and path.', { method: c.req.method, path: c.req.path })));
  return app;
}
