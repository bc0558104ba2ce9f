import { BerthError } from '../errors/berth-error.js';
import { validationError } from '../errors/validation.js';
import type { ComposeDocument, ComposeServiceDocument } from './schema.js';
import { environmentMap } from './normalize.js';
import { interpolateString, type Variables } from './interpolate.js';

// env_file is resolved on the client, where the files are: the CLI folds their contents into
// `environment` before sending the document, so the control plane never reads a user's files
// and rejects a document that still carries env_file (env_file_unresolved). The stack's `.env`
// (next to the compose file) is read there too: it gives the variables the compose file and its
// env files interpolate (interpolate.ts), with the shell winning over it as in compose.

/** The file next to the compose file that holds its interpolation variables. */
export const DOT_ENV_FILE = '.env';

/**
 * Reads an env file named as written in the compose file (the caller resolves it against the
 * compose file's folder). Returns undefined when the file does not exist.
 */
export type EnvFileReader = (path: string) => string | undefined;

/**
 * Returns a copy of doc where each service's env_file contents are merged into environment
 * and env_file is gone. Later env files win over earlier ones; explicit environment wins over all.
 */
export function foldEnvFiles(doc: ComposeDocument, readFile: EnvFileReader, variables: Variables = {}): ComposeDocument {
  const services: Record<string, ComposeServiceDocument> = {};
  for (const [name, service] of Object.entries(doc.services)) {
    const { env_file: envFile, ...rest } = service;
    if (envFile === undefined) {
      services[name] = service;
      continue;
    }
    const merged: Record<string, string | null> = {};
    const refs = typeof envFile === 'string' ? [{ path: envFile, required: true }] : envFile.map((e) => (typeof e === 'string' ? { path: e, required: true } : { path: e.path, required: e.required ?? true }));
    refs.forEach((ref, i) => {
      const text = readFile(ref.path);
      if (text === undefined) {
        if (!ref.required) return;
        throw new BerthError('source_unreadable', `Service ${name}: env file ${ref.path} does not exist.`, { location: ref.path, reason: 'env_file_missing', service: name }, 'command-validation');
      }
      Object.assign(merged, parseEnvFile(text, `services.${name}.env_file${typeof envFile === 'string' ? '' : `.${i}`}`, variables));
    });
    Object.assign(merged, environmentMap(service.environment));
    services[name] = { ...rest, environment: merged };
  }
  return { ...doc, services };
}

/**
 * dotenv format: `KEY=value`, optional `export `, `#` comments, single quotes literal, double
 * quotes with \n \" \\ escapes. A bare `KEY` means "from the shell" (null), as in compose.
 * With `variables`, unquoted and double-quoted values are interpolated against them and the
 * keys defined above in the same file (single-quoted values stay literal).
 */
export function parseEnvFile(text: string, path = 'env_file', variables?: Variables): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:=(.*))?$/.exec(line);
    const value = m ? envValue(m[2]) : undefined;
    if (!m || value === undefined) {
      // The line number only: the line may hold a secret.
      throw validationError([{ code: 'invalid_input', path, message: `Line ${index + 1} is not KEY=value.` }]);
    }
    const key = m[1] ?? '';
    const literal = value === null || !variables || m[2]?.trim().startsWith("'");
    out[key] = literal ? value : interpolateString(value, { ...definedOnly(out), ...variables }, `${path}.${key}`);
  });
  return out;
}

/**
 * The variables a stack's compose file interpolates: its `.env` (when there is one), under the
 * shell's environment, which wins as in compose. Values are never shown in errors.
 */
export function stackVariables(dotEnvText: string | undefined, shell: Variables): Variables {
  const fromFile = dotEnvText === undefined ? {} : definedOnly(parseEnvFile(dotEnvText, DOT_ENV_FILE, shell));
  return { ...fromFile, ...definedOnly(shell) };
}

function definedOnly(vars: Readonly<Record<string, string | null | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(vars).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function envValue(raw: string | undefined): string | null | undefined {
  if (raw === undefined) return null;
  const v = raw.trim();
  if (v.startsWith("'")) {
    const end = v.indexOf("'", 1);
    return end < 0 ? undefined : v.slice(1, end);
  }
  if (v.startsWith('"')) {
    let out = '';
    for (let i = 1; i < v.length; i++) {
      const c = v[i];
      if (c === '"') return out;
      if (c === '\\' && i + 1 < v.length) {
        const n = v[++i];
        out += n === 'n' ? '\n' : n === 't' ? '\t' : n;
      } else {
        out += c;
      }
    }
    return undefined; // unterminated
  }
  // Unquoted: an inline comment starts at " #".
  const hash = v.search(/\s#/);
  return (hash >= 0 ? v.slice(0, hash) : v).trim();
}
