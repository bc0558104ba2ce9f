import type { ErrorObject } from '../../core/errors/types.js';

/** Codes whose HTTP status is more precise than their category's. */
const STATUS_BY_CODE: Record<string, number> = {
  payload_too_large: 413,
  unsupported_media_type: 415,
  method_not_allowed: 405,
  request_head_too_large: 431,
  session_invalid: 401,
};

/** HTTP status derived from the error category (and, for permission, whether a token was sent). */
export function httpStatusFor(error: Pick<ErrorObject, 'category' | 'code'>): number {
  const exact = STATUS_BY_CODE[error.code];
  if (exact) return exact;
  switch (error.category) {
    case 'validation':
      return 400;
    case 'permission':
      return error.code === 'token_invalid' ? 401 : 403;
    case 'not-found':
      return 404;
    case 'conflict':
      return 409;
    case 'domain':
      return 422;
    case 'provider':
      return 502;
    case 'infra':
      return 503;
    case 'timeout':
      return 504;
    case 'integrity':
    case 'internal':
      return 500;
  }
}
