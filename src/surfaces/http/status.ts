import type { ErrorObject } from '../../core/errors/types.js';

/** HTTP status derived from the error category (and, for permission, whether a token was sent). */
export function httpStatusFor(error: Pick<ErrorObject, 'category' | 'code'>): number {
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
