import type { Context } from 'hono';
import { BerthError } from '../../core/errors/berth-error.js';

/**
 * What a route accepts as a request body. JSON routes take the default; a route with another
 * body (a source upload's tar stream, say) passes its own media types and limit to
 * `checkBodyHeaders`/`readBodyBytes` and parses the bytes itself.
 */
export interface BodyRule {
  /** Accepted media types, compared without parameters (`; charset=utf-8`) and case. */
  mediaTypes: readonly string[];
  /** Bodies larger than this are refused with payload_too_large before they are parsed. */
  limitBytes: number;
}

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export const jsonBody = (limitBytes: number = DEFAULT_BODY_LIMIT_BYTES): BodyRule => ({ mediaTypes: ['application/json'], limitBytes });

const mediaTypeOf = (header: string) => header.split(';')[0]!.trim().toLowerCase();

/** True when the request announces no body (HTTP/1.1: no chunking and no length, or length 0). */
function announcesNoBody(c: Context): boolean {
  const length = c.req.header('content-length');
  return !c.req.header('transfer-encoding') && (length === undefined || length.trim() === '0');
}

/**
 * The checks that need no body byte: the media type, and a declared length over the limit.
 * Returns false when there is no body to read.
 */
export function checkBodyHeaders(c: Context, rule: BodyRule): boolean {
  const contentType = c.req.header('content-type');
  const empty = announcesNoBody(c);
  // A bodiless request without a Content-Type is an empty input; anything else must say what it is.
  if (contentType !== undefined || !empty) {
    if (contentType === undefined || !rule.mediaTypes.includes(mediaTypeOf(contentType))) {
      throw new BerthError('unsupported_media_type', 'This route does not accept a body of this media type.', {
        expected: rule.mediaTypes.join(', '),
        received: contentType === undefined ? '(none)' : mediaTypeOf(contentType).slice(0, 100),
      });
    }
  }
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > rule.limitBytes) tooLarge(rule);
  return !empty;
}

function tooLarge(rule: BodyRule): never {
  throw new BerthError('payload_too_large', 'The request body is larger than this route accepts.', { limitBytes: rule.limitBytes });
}

/** Reads the body, stopping as soon as it passes the limit (a chunked body has no declared length). */
export async function readBodyBytes(c: Context, rule: BodyRule): Promise<Uint8Array> {
  const stream = c.req.raw.body;
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > rule.limitBytes) {
        await reader.cancel().catch(() => undefined);
        tooLarge(rule);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof BerthError) throw err;
    // The client went away mid-body: there is no one left to answer, but the path stays catalogued.
    throw new BerthError('request_body_incomplete', 'The request body ended before it was complete.', { reason: err instanceof Error ? err.name : typeof err });
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The JSON body of a JSON route; `{}` when there is none. */
export async function readJsonBody(c: Context, rule: BodyRule): Promise<unknown> {
  if (!checkBodyHeaders(c, rule)) return {};
  const bytes = await readBodyBytes(c, rule);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new BerthError('parse_failed', 'The request body is not valid UTF-8.', { file: 'request-body' });
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BerthError('parse_failed', 'The request body is not valid JSON.', { file: 'request-body' });
  }
}
