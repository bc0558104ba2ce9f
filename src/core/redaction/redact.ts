// Secrets never leave their store in clear (docs/architecture.md, invariant 3). Redaction is by field name,
// because a value cannot be recognised as secret by looking at it.

export const REDACTED = '[redacted]';

const SECRET_KEY = /(pass(word|phrase)?|secret|token|private[-_]?key|api[-_]?key|credential|authorization|cookie|signature|certificate|cert[-_]?pem|env(ironment)?[-_]?values?)$/i;
/** Whole subtrees whose values are environment values or secrets, whatever their key names. */
const SECRET_CONTAINER = /^(env|environment|secrets|variables|envValues|secretValues)$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !/(^|[-_])(id|ids|ref|refs|name|names|count|hash)$/i.test(key) && !/(Id|Ids|Ref|Refs|Name|Names|Count|Hash)$/.test(key);
}

export interface Redacted<T> {
  value: T;
  redactedFields: string[];
}

/** Returns a deep copy with secret fields replaced, and the dotted paths that were replaced. */
export function redact<T>(input: T, path: string[] = [], found: string[] = []): Redacted<T> {
  const value = walk(input, path.join('.'), found) as T;
  return { value, redactedFields: found };
}

// Paths travel as dotted strings: an export redacts every row again on the way out, and an array
// per key visited was most of that cost.
const under = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

function walk(input: unknown, path: string, found: string[]): unknown {
  if (Array.isArray(input)) return input.map((item, i) => walk(item, under(path, String(i)), found));
  if (input === null || typeof input !== 'object') return input;
  const out: Record<string, unknown> = {};
  for (const [key, val] of Object.entries(input as Record<string, unknown>)) {
    if (SECRET_CONTAINER.test(key) && val !== null && typeof val === 'object') {
      out[key] = maskLeaves(val, under(path, key), found);
    } else if (isSecretKey(key) && val !== null && val !== undefined && val !== '') {
      out[key] = REDACTED;
      found.push(under(path, key));
    } else {
      out[key] = walk(val, under(path, key), found);
    }
  }
  return out;
}

/** Inside an environment map, every value is secret; the names stay visible. */
function maskLeaves(input: unknown, path: string, found: string[]): unknown {
  if (Array.isArray(input)) return input.map((item, i) => maskLeaves(item, under(path, String(i)), found));
  if (input !== null && typeof input === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input as Record<string, unknown>)) out[k] = maskLeaves(v, under(path, k), found);
    return out;
  }
  found.push(path);
  return REDACTED;
}

export function redactDetails(details: Record<string, unknown>): Record<string, unknown> {
  return redact(details).value;
}
