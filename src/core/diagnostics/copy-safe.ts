import { isSecretKey, redact, REDACTED } from '../redaction/redact.js';

// A diagnostic bundle is meant to be pasted into a ticket or a chat with an agent: beyond
// field-name redaction, strings that embed credentials (git URLs with a user:token part,
// query strings carrying tokens) are scrubbed wherever they appear.

const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi;
const QUERY_PAIR = /([?&])([^=&\s#]+)=([^&\s#]*)/g;

export function scrubString(s: string): string {
  return s.replace(URL_CREDENTIALS, `$1${REDACTED}@`).replace(QUERY_PAIR, (m, sep: string, key: string) => (isSecretKey(key) ? `${sep}${key}=${REDACTED}` : m));
}

/** Credentials scrubbed from every string inside a value, without field-name redaction. */
export function scrubStrings<T>(value: T): T {
  return scrub(value) as T;
}

function scrub(value: unknown): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (Array.isArray(value)) return value.map(scrub);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, scrub(v)]));
  return value;
}

/** A deep copy safe to share: secret fields masked (named in redactedFields), credentials scrubbed. */
export function copySafe<T>(value: T): { value: T; redactedFields: string[] } {
  const r = redact(value);
  return { value: scrub(r.value) as T, redactedFields: r.redactedFields };
}
