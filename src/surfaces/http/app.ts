import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { BerthError, toBerthError } from '../../core/errors/berth-error.js';
import type { Dispatcher } from '../../operations/dispatch.js';
import type { Operation } from '../../operations/operation.js';
import { checkBodyHeaders, DEFAULT_BODY_LIMIT_BYTES, readBodyBytes, readJsonBody, type BodyRule } from './body.js';
import type { ConsoleSessions } from '../../operations/sessions/sessions.js';
import { mountConsoleAssets } from './console-assets.js';
import { mountConsoleRoutes } from './console-routes.js';
import { credentialOf } from './console-session.js';
import { allowedMethods } from './methods.js';
import { openApiDocument } from './openapi.js';
import { httpStatusFor } from './status.js';
import { mountUploadRoute } from './upload-route.js';

export interface HttpAppOptions {
  operations: readonly Operation[];
  dispatcher: Dispatcher;
  version: string;
  /** Default request body limit of JSON routes (an operation's `http.body.limitBytes` wins). */
  bodyLimitBytes?: number;
  /** Where unexpected errors of the HTTP layer go, with their correlation id. */
  logError?: (correlationId: string, err: unknown) => void;
  /** The console's sign-in and sessions; without it the console and its cookie are not served. */
  consoleSessions?: ConsoleSessions;
}

const UNREAD_BODY_CODES = new Set<string>(['payload_too_large', 'unsupported_media_type', 'request_body_incomplete']);

export function errorResponse(c: Context, error: BerthError, headers?: Record<string, string>): Response {
  const body = error.toObject();
  return c.json({ error: body }, httpStatusFor(body) as 400, headers);
}

// A bearer token, else the console's session cookie (with its CSRF check): console-session.ts.
const bearerOf = credentialOf;

export function bodyRuleOf(op: Pick<Operation, 'http'>, defaultLimit: number): BodyRule {
  return { mediaTypes: op.http.body?.mediaTypes ?? ['application/json'], limitBytes: op.http.body?.limitBytes ?? defaultLimit };
}

async function inputOf(c: Context, op: Operation, rule: BodyRule): Promise<unknown> {
  const params = c.req.param() as Record<string, string>;
  if (op.http.method === 'GET' || op.http.method === 'DELETE') return { ...c.req.query(), ...params };
  if (!rule.mediaTypes.includes('application/json')) {
    const body = checkBodyHeaders(c, rule) ? await readBodyBytes(c, rule) : new Uint8Array(0);
    return { ...c.req.query(), ...params, body };
  }
  const body = await readJsonBody(c, rule);
  // A body that is not an object is passed as is, so validation names it.
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return { ...(body as Record<string, unknown>), ...params };
}

/** HTTP routes derived from the catalogue: one route per operation, errors as `{ error }`. */
export function createHttpApp(opts: HttpAppOptions): Hono {
  const app = new Hono();
  // Before every JSON route: the upload body is an archive, with its own limit and content types.
  mountUploadRoute(app, { dispatcher: opts.dispatcher, bearerOf, errorResponse });
  const defaultLimit = opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const logError = opts.logError ?? ((id, err) => console.error(`[berth] internal error ${id}:`, err));

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
        // One data line: JSON.stringify never leaves a raw line break, so the frame is written
        // as it is (writeSSE would scan every envelope for line breaks to split).
        await sse.write(`id: ${envelope.cursor}\nevent: ${envelope.kind}\ndata: ${JSON.stringify(envelope)}\n\n`);
        next = await result.envelopes.next();
      }
      abort.abort();
    });
  }
  if (opts.consoleSessions) {
    mountConsoleRoutes(app, opts.consoleSessions);
    mountConsoleAssets(app);
  }
  app.get('/api/openapi.json', (c) => c.json(openApiDocument(opts.operations, opts.version)));
  for (const op of opts.operations) {
    const path = op.http.path.replace(/\{(\w+)\}/g, ':$1');
    const rule = bodyRuleOf(op, defaultLimit);
    app.on(op.http.method, path, async (c) => {
      const input = await inputOf(c, op, rule);
      if (op.stream && (c.req.header('accept') ?? '').includes('text/event-stream')) return serveStream(c, op, input);
      const result = await opts.dispatcher.dispatch(op, input, bearerOf(c));
      return result.ok ? c.json(result.data as object) : errorResponse(c, result.error);
    });
  }
  app.notFound((c) => {
    const path = c.req.path.slice(0, 200);
    const allow = allowedMethods(app.routes, c.req.path);
    if (allow.length > 0) {
      const error = new BerthError('method_not_allowed', 'This path does not answer this method.', { method: c.req.method.slice(0, 20), path, allow });
      return errorResponse(c, error, { Allow: allow.join(', ') });
    }
    return errorResponse(c, new BerthError('operation_not_found', 'No operation answers this method and path.', { method: c.req.method.slice(0, 20), path }));
  });
  // Errors of the HTTP layer itself (bodies, headers); an operation's errors come back from the dispatcher.
  app.onError((err, c) => {
    // A refused body may still be arriving: close the connection rather than keep it for reuse.
    if (err instanceof BerthError) return errorResponse(c, err, UNREAD_BODY_CODES.has(err.code) ? { Connection: 'close' } : undefined);
    const correlationId = randomUUID();
    logError(correlationId, err);
    return errorResponse(c, toBerthError(err, correlationId));
  });
  return app;
}
