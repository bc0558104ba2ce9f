import type { Socket } from 'node:net';
import { BerthError } from '../../core/errors/berth-error.js';
import { httpStatusFor } from './status.js';

// Requests the HTTP parser refuses never reach the app: without this they get Node's bare 400/431
// with no body, which clients cannot tell from a broken control plane.

/** Node's default limit on the request line plus headers (`--max-http-header-size`). */
const HEAD_LIMIT_BYTES = 16 * 1024;

function catalogued(err: NodeJS.ErrnoException): BerthError {
  if (err.code === 'HPE_HEADER_OVERFLOW') return new BerthError('request_head_too_large', 'The request line and headers are too large.', { limitBytes: HEAD_LIMIT_BYTES });
  return new BerthError('parse_failed', 'The request is not valid HTTP.', { file: 'request' });
}

/** A `clientError` listener for the control plane's HTTP server: answers with the error contract, then closes. */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const error = catalogued(err).toObject();
  const body = JSON.stringify({ error });
  const status = httpStatusFor(error);
  socket.end(`HTTP/1.1 ${status} Refused\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
