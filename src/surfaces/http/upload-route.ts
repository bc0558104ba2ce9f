import type { Context, Hono } from 'hono';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { BerthError } from '../../core/errors/berth-error.js';
import type { Dispatcher } from '../../operations/dispatch.js';
import { createUpload } from '../../operations/uploads/create.js';

// The one route whose body is not JSON: a source archive streamed to disk by the upload
// operation, with its own size limit (BERTH_UPLOAD_MAX_BYTES) instead of the JSON body limit.
// It is mounted before the JSON routes and their body checks, so those never read this body.

export interface UploadRouteDeps {
  dispatcher: Dispatcher;
  bearerOf: (c: Context) => string | undefined;
  errorResponse: (c: Context, error: BerthError) => Response;
}

/**
 * Whether a request that sent `Expect: 100-continue` waits for this route to ask for its body.
 * The server (main/control-plane.ts) then holds the 100 back, and the route sends it when the
 * operation first reads the body: a refusal (token, fields, declared size) is answered before
 * the client sends a byte, instead of racing an archive already on the wire.
 */
export function continuesWhenRead(url: string | undefined): boolean {
  return (url ?? '').split('?')[0] === createUpload.http.path;
}

export function mountUploadRoute(app: Hono, deps: UploadRouteDeps): void {
  app.post(createUpload.http.path, async (c) => {
    const length = c.req.header('content-length');
    const raw = c.req.raw.body;
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    const expects = /100-continue/i.test(c.req.header('expect') ?? '');
    const stream = raw ? Readable.fromWeb(raw as unknown as WebReadableStream<Uint8Array>) : Readable.from([]);
    const input = {
      ...c.req.query(),
      contentType: (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase(),
      ...(length !== undefined ? { declaredBytes: length } : {}),
      body: {
        [Symbol.asyncIterator]: () => {
          if (expects && outgoing && !outgoing.headersSent) outgoing.writeContinue();
          return stream[Symbol.asyncIterator]();
        },
      },
    };
    const result = await deps.dispatcher.dispatch(createUpload as never, input, deps.bearerOf(c));
    return result.ok ? c.json(result.data as object) : deps.errorResponse(c, result.error);
  });
}
