import { BerthError } from '../../core/errors/berth-error.js';
import type { ErrorObject } from '../../core/errors/types.js';
import { EXIT_CODES } from './exit-codes.js';

// Results as data: the error object of anything thrown, and the --json rendering. Its own module
// so a --json command loads no human renderer.

export type CliResult = { ok: true; data: unknown } | { ok: false; error: ErrorObject };

export function errorResult(err: unknown): { ok: false; error: ErrorObject } {
  const e = err instanceof BerthError ? err : new BerthError('internal', 'The CLI failed unexpectedly.', { reason: (err as Error)?.name ?? 'unknown', correlationId: 'cli' });
  return { ok: false, error: e.toObject() };
}

/** Prints a result or an error as JSON on stdout; returns the exit status. */
export function emitJson(out: (text: string) => void, result: CliResult): number {
  out(JSON.stringify(result.ok ? result.data : { error: result.error }, null, 2));
  return result.ok ? 0 : (EXIT_CODES[result.error.category] ?? 1);
}
