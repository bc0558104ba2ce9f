import type { ErrorObject } from '../../core/errors/types.js';
import { EXIT_CODES } from './exit-codes.js';
import { renderErrorHuman, renderHuman } from './render.js';
import { emitJson } from './results.js';

export { errorResult } from './results.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): void;
}

/** Prints a result or an error the same way for every command; returns the exit status. */
export function emit(io: CliIo, json: boolean, result: { ok: true; data: unknown } | { ok: false; error: ErrorObject }): number {
  if (json) return emitJson(io.out, result);
  if (result.ok) {
    io.out(renderHuman(result.data));
    return 0;
  }
  io.err(renderErrorHuman(result.error));
  return EXIT_CODES[result.error.category] ?? 1;
}
