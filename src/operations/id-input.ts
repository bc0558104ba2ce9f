import { z } from 'zod';

/** A record id as every operation accepts it (path parameter or body field): the one definition. */
export const recordId = z.string().min(1).max(100);

/** An input holding only one id field (`id` unless named). */
export const idInput = (field = 'id') => z.strictObject({ [field]: recordId });
