import { parseDocument } from 'yaml';
import { BerthError } from '../errors/berth-error.js';
import type { Phase } from '../errors/types.js';

// Reading a YAML configuration document (berth.yml, compose files). Syntax errors become
// parse_failed with the position only: the underlying parser message may quote file content.

/** Parses YAML text to plain data; an empty document is null. Merge keys (`<<`) are on: compose files use them. */
export function parseYamlText(text: string, file: string, phase?: Phase): unknown {
  const doc = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    throw new BerthError('parse_failed', `${file} is not valid YAML (line ${pos?.line ?? '?'}, column ${pos?.col ?? '?'}).`, {
      file,
      line: pos?.line,
      column: pos?.col,
      reason: error.code,
    }, phase);
  }
  try {
    // The alias cap defends against "billion laughs" documents.
    return doc.toJS({ maxAliasCount: 100 });
  } catch {
    throw new BerthError('parse_failed', `${file} expands too many aliases.`, { file, reason: 'alias_limit' }, phase);
  }
}

/** A non-object document (a list, a scalar) where a mapping is expected. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
