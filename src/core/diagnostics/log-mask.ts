import { isSecretKey, REDACTED } from '../redaction/redact.js';

// Application logs may print secrets (docs/architecture.md, invariant 3). Logs are free text, so they are
// masked two ways before any surface sees them:
// - by value: the values of the container's secret environment variables (the resource's
//   declared secret names, and names that look secret), wherever they appear;
// - by name: `NAME=value`, `NAME: value` and `"NAME": "value"` for those names and any name that
//   looks secret, which also catches a secret whose value the control plane could not read.
// Values shorter than MIN_VALUE are not masked by value: they would blank ordinary words.

const MIN_VALUE = 4;

export interface LogMaskInput {
  /** Names of the resource's secrets (never their values). */
  secretNames: readonly string[];
  /** The container's environment, when it could be read; only secret names' values are used. */
  env?: Record<string, string>;
}

export type LogMask = (line: string) => string;

// NAME is checked after matching, so a name that only looks secret (API_TOKEN echoed by a build
// step) is masked as well as the declared ones.
const ASSIGNMENT = /(["']?\b([A-Za-z_][\w.-]*)\b["']?\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&"']+)/g;

export function logMask(input: LogMaskInput): LogMask {
  const declared = new Set(input.secretNames);
  const secretName = (name: string) => declared.has(name) || isSecretKey(name);
  const values = [...new Set(Object.entries(input.env ?? {}).filter(([k, v]) => secretName(k) && v.length >= MIN_VALUE).map(([, v]) => v))]
    // Longest first, so a value that contains another is masked whole.
    .sort((a, b) => b.length - a.length);
  return (line) => {
    let out = line;
    for (const v of values) out = out.split(v).join(REDACTED);
    return out.replace(ASSIGNMENT, (whole, head: string, name: string) => (secretName(name) ? `${head}${REDACTED}` : whole));
  };
}

/** Applies a mask to every string inside a value (for bundles that quote logs in error details). */
export function maskStrings<T>(value: T, mask: LogMask): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskStrings(v, mask)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, maskStrings(v, mask)])) as T;
  }
  return value;
}
