import { z } from 'zod';
import { defineOperation } from '../operation.js';

// A remote client's source: the archive is the HTTP body (not JSON), the rest is in the query
// string and headers. The CLI and MCP cannot carry a byte stream, so this operation is served
// only over HTTP (surfaces/http/upload-route.ts) and is not in the JSON catalogue; `berth up`
// and `berth plan` call it when BERTH_URL names the control plane.

const CONTENT_TYPES = { 'application/x-tar': 'tar', 'application/zip': 'zip' } as const;

const body = z.custom<AsyncIterable<Uint8Array>>((v) => v !== null && typeof v === 'object' && Symbol.asyncIterator in v, 'Expected a request body.');

export const createUpload = defineOperation({
  name: 'uploads.create',
  kind: 'command',
  summary: 'Receive a packed source (tar of a folder or compose folder, or a zip) with its sha256; answers the upload id a deploy names as source {kind: upload, location: id}.',
  input: z
    .strictObject({
      kind: z.enum(['folder', 'compose', 'zip']),
      contentType: z.enum(['application/x-tar', 'application/zip']),
      sha256: z.string().regex(/^[0-9a-fA-F]{64}$/),
      composeFile: z.string().regex(/^(?!\.\.?$)[^/\\\0]{1,255}$/).optional(),
      declaredBytes: z.coerce.number().int().min(0).optional(),
      body,
    })
    .refine((i) => (i.kind === 'zip') === (i.contentType === 'application/zip'), { path: ['contentType'], message: 'A zip is sent as application/zip, a packed folder as application/x-tar.' })
    .refine((i) => (i.kind === 'compose') === (i.composeFile !== undefined), { path: ['composeFile'], message: 'A compose upload names its compose file, other kinds do not.' }),
  output: z.object({ id: z.string(), sizeBytes: z.number().int(), sha256: z.string(), expiresAt: z.string() }),
  errors: ['upload_too_large', 'upload_checksum_mismatch', 'source_unreadable'],
  destructive: false,
  http: { method: 'POST', path: '/api/uploads' },
  cli: { words: ['uploads', 'create'] },
  handler: async (input, ctx) =>
    ctx.deploy.uploads.receive(
      input.body,
      {
        sha256: input.sha256,
        declaredBytes: input.declaredBytes,
        meta: { kind: input.kind, format: CONTENT_TYPES[input.contentType], ...(input.composeFile ? { composeFile: input.composeFile } : {}) },
      },
      ctx.now(),
    ),
});
