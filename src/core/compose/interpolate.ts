import { BerthError } from '../errors/berth-error.js';
import { validationError } from '../errors/validation.js';

// Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
// `${VAR:?message}`, `${VAR?message}`, `${VAR:+alt}`, `${VAR+alt}` and `$$` for a literal `$`.
// The CLI interpolates with the shell and the stack's `.env`; the control plane interpolates
// what it receives with no variables at all, so a reference nobody resolved fails with
// compose_variable_unresolved instead of reaching an image name or a volume as `${...}`.
// Errors name the variable and the field, never a value: a value may come from `.env`.

export type Variables = Readonly<Record<string, string | undefined>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Interpolates every string value of a parsed YAML tree (mapping keys are left as written). */
export function interpolateTree(value: unknown, vars: Variables, path = ''): unknown {
  if (typeof value === 'string') return interpolateString(value, vars, path || '(input)');
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, vars, join(path, String(i))));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateTree(v, vars, join(path, k))]));
  }
  return value;
}

/** One string; `field` names it in errors (a dotted path such as services.web.image). */
export function interpolateString(text: string, vars: Variables, field: string): string {
  if (!text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) throw invalid(field);
      out += braced(text.slice(i + 2, end), vars, field);
      i = end + 1;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1))?.[0];
    if (!name) throw invalid(field);
    out += lookup(name, vars, field, 'unset', undefined);
    i += 1 + name.length;
  }
  return out;
}

/** Escapes every `$` of a resolved tree, so interpolating it again gives it back unchanged. */
export function escapeTree<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('$', '$$$$') as T;
  if (Array.isArray(value)) return value.map((v: unknown) => escapeTree(v)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeTree(v)])) as T;
  return value;
}

/** The index of the `}` closing a `${` whose body starts at `from`, honouring nested `${...}`. */
function closingBrace(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') i++;
    else if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function braced(body: string, vars: Variables, field: string): string {
  const name = NAME.exec(body)?.[0];
  if (!name) throw invalid(field);
  const rest = body.slice(name.length);
  if (rest === '') return lookup(name, vars, field, 'unset', undefined);
  const op = /^(:?[-?+])/.exec(rest)?.[1];
  if (!op) throw invalid(field);
  const arg = rest.slice(op.length);
  const value = vars[name];
  const missing = op.startsWith(':') ? value === undefined || value === '' : value === undefined;
  switch (op.replace(':', '')) {
    case '-':
      return missing ? interpolateString(arg, vars, field) : value!;
    case '+':
      return missing ? '' : interpolateString(arg, vars, field);
    default:
      // `?`: the author's message is shown as written (it comes from the file, not from .env).
      if (missing) throw unresolved(name, field, 'required', arg);
      return value!;
  }
}

function lookup(name: string, vars: Variables, field: string, reason: 'unset', message: string | undefined): string {
  const value = vars[name];
  if (value === undefined) throw unresolved(name, field, reason, message);
  return value;
}

function unresolved(variable: string, field: string, reason: 'unset' | 'required', message: string | undefined): BerthError {
  const why = message ? `: ${message}` : reason === 'required' ? ' (required)' : '';
  return new BerthError('compose_variable_unresolved', `${field} uses \${${variable}}, which has no value${why}. Set it in the .env file next to the compose file, or give a default: \${${variable}:-default}.`, {
    variable,
    field,
    reason,
  });
}

function invalid(field: string): BerthError {
  return validationError([{ code: 'invalid_input', path: field, message: 'Invalid interpolation: use $$ for a literal $, or ${NAME}, ${NAME:-default}, ${NAME:?message}.' }]);
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
