import type { Category } from '../../core/errors/types.js';

/** CLI exit status by error category, so scripts can branch without reading text. */
export const EXIT_CODES: Record<Category, number> = {
  internal: 1,
  validation: 2,
  'not-found': 3,
  conflict: 4,
  permission: 5,
  domain: 6,
  infra: 7,
  provider: 8,
  timeout: 9,
  integrity: 10,
};
