import { BerthError } from '../../core/errors/berth-error.js';

// Every Engine API call goes through engineCall: an unreachable engine is always docker_error,
// and each method decides what an engine *refusal* (an HTTP status) means for it.

/** What the engine said, reduced to safe, stable fields. */
export interface EngineRefusal {
  statusCode: number | undefined;
  reason: string;
}

// Socket missing, nothing listening, connection dropped, or host not routable.
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

interface DockerodeError {
  code?: string;
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
}

export function isUnreachable(err: unknown): boolean {
  const code = (err as DockerodeError | null)?.code;
  return typeof code === 'string' && UNREACHABLE.has(code) && (err as DockerodeError).statusCode === undefined;
}

export function statusOf(err: unknown): number | undefined {
  const status = (err as DockerodeError | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Engine messages can echo registry URLs: drop credentials and query strings, bound the length. */
export function safeReason(text: string): string {
  return text
    .replace(/(\w+:\/\/)[^/\s@]+@/g, '$1')
    .replace(/(\w+:\/\/[^\s?]+)\?\S*/g, '$1')
    .trim()
    .slice(0, 500);
}

export function refusalOf(err: unknown): EngineRefusal {
  const e = (err ?? {}) as DockerodeError;
  const raw = (e.json && typeof e.json === 'object' && e.json.message) || e.code || e.message || String(err);
  // docker-modem prefixes the engine's own message with "(HTTP code 404) unexpected - ".
  return { statusCode: statusOf(err), reason: safeReason(String(raw).replace(/^\(HTTP code \d+\)[^-]*- /, '')) };
}

export function dockerError(operation: string, err: unknown): BerthError {
  const { statusCode, reason } = refusalOf(err);
  const message = isUnreachable(err) ? `The Docker engine is unreachable (${operation}).` : `The Docker engine refused ${operation}.`;
  return new BerthError('docker_error', message, { operation, ...(statusCode ? { statusCode } : {}), reason });
}

/**
 * Runs one Engine API call. `onRefused` turns an engine refusal into a method-specific outcome
 * (a tolerated value such as undefined on 404, or a domain error); without it, or when it
 * returns `undefined` for a refusal it does not handle, the refusal is docker_error.
 */
export async function engineCall<T>(
  operation: string,
  fn: () => Promise<T>,
  onRefused?: (refusal: EngineRefusal, err: unknown) => { value: T } | BerthError | undefined,
): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BerthError) throw err;
    if (isUnreachable(err) || !onRefused) throw dockerError(operation, err);
    const outcome = onRefused(refusalOf(err), err);
    if (outcome instanceof BerthError) throw outcome;
    if (outcome) return outcome.value;
    throw dockerError(operation, err);
  }
}
