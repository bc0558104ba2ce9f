import { readFileSync, renameSync, writeFileSync } from 'node:fs';

// The small JSON files a control plane leaves in its home for CLIs to find (its address, how far
// its start has got): written whole through a rename, so a reader never sees half of one.

/** The file's value when it parses and passes `valid`; undefined when missing, torn or foreign. */
export function readJsonFile<T>(path: string, valid: (value: T) => boolean): T | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as T;
    return valid(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `value` to `path` readable by its owner only, replacing the file in one rename. */
export function writeJsonFile(path: string, value: unknown, indent?: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, indent), { mode: 0o600 });
  renameSync(tmp, path);
}
