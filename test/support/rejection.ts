import { BerthError } from '../../src/core/errors/berth-error.js';

/** The BerthError a promise rejects with; fails the test on success or on any other error. */
export async function rejection(p: Promise<unknown>): Promise<BerthError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof BerthError) return err;
    throw err;
  }
  throw new Error('expected a BerthError, got success');
}
