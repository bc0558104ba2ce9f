import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/core/errors/catalogue.js';
import { ROOT } from '../support/paths.js';

// No undocumented codes and no dead ones: every catalogued code is raised somewhere in src/
// (outside the catalogue itself) and asserted somewhere in test/.

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const quoted = (code: string) => new RegExp(`['"\`]${code}['"\`]`);

describe('error catalogue coverage', () => {
  const src = filesUnder(join(ROOT, 'src'))
    .filter((f) => !f.endsWith('core/errors/catalogue.ts'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const tests = filesUnder(join(ROOT, 'test'))
    .filter((f) => !f.endsWith('catalogue-coverage.test.ts'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');

  it.each(ERROR_CODES)('%s is raised in src/', (code) => {
    expect(quoted(code).test(src)).toBe(true);
  });

  it.each(ERROR_CODES)('%s is asserted in test/', (code) => {
    expect(quoted(code).test(tests)).toBe(true);
  });
});
