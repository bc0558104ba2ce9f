import { BerthError } from '../errors/berth-error.js';
import { validationError } from '../errors/validation.js';
import type { ComposeDocument, ComposeServiceDocument } from './schema.js';
import { environmentMap } from './normalize.js';

// env_file is resolved on the client, where the files are: the CLI folds their contents into
// `environment` before sending the document, so the control plane never reads a user's files
// and rejects a document that still carries env_file (env_file_unresolved).

/**
 * Reads an env file named as written in the compose file (the caller resolves it against the
 * compose file's folder). Returns undefined when the file does not exist.
 */
export type EnvFileReader = (path: string) => string | undefined;

/**
 * Returns a copy of doc where each service's env_file contents are merged into environment
 * and env_file is gone. Later env files win over earlier ones; explicit environment wins over all.
 */
export function foldEnvFiles(doc: ComposeDocument, readFile: EnvFileReader): ComposeDocument {
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
      Object.assign(merged, parseEnvFile(text, `services.${name}.env_file${typeof envFile === 'string' ? '' : `.${i}`}`));
    });
    Object.assign(merged, environmentMap(service.environment));
    services[name] = { ...rest, environment: merged };
  }
  return { ...doc, services };
}

/**
 * dotenv format: `KEY=value`, optional `export `, `#` comments, single quotes literal, double
 * quotes with \n \" \\ escapes. A bare `KEY` means "from the shell" (null), as in compose.
 */
export function parseEnvFile(text: string, path = 'env_file'): Record<string, string | null> {
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
    out[m[1] ?? ''] = value;
  });
  return out;
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
