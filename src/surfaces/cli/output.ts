import { BerthError } from '../../core/errors/berth-error.js';
import type { ErrorObject } from '../../core/errors/types.js';
import { EXIT_CODES } from './exit-codes.js';
import { renderErrorHuman, renderHuman } from './render.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): void;
}

/** Prints a result or an error the same way for every command; returns the exit status. */
export function emit(io: CliIo, json: boolean, result: { ok: true; data: unknown } | { ok: false; error: ErrorObject }): number {
  if (result.ok) {
    io.out(json ? JSON.stringify(result.data, null, 2) : renderHuman(result.data));
    return 0;
  }
  if (json) io.out(JSON.stringify({ error: result.error }, null, 2));
  else io.err(renderErrorHuman(result.error));
  return EXIT_CODES[result.error.category] ?? 1;
}

export function errorResult(err: unknown): { ok: false; error: ErrorObject } {
  const e = err instanceof BerthError ? err : new BerthError('internal', 'The CLI failed unexpectedly.', { reason: (err as Error)?.name ?? 'unknown', correlationId: 'cli' });
  return { ok: false, error: e.toObject() };
}
