import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, ERROR_CODES } from '../../src/core/errors/catalogue.js';
import { ROOT, TEST_ROOT } from '../support/paths.js';
import { assertedSites, raisedSites } from './code-sites.js';

// No undocumented codes and no dead ones: every catalogued code is constructed somewhere in src/
// (outside the catalogue) and asserted by a matcher somewhere in test/. Both are found by parsing
// (test/errors/code-sites.ts), so a code named in a comment, an `errors:` list or a comparison
// counts for neither.

const codes = new Set<string>(ERROR_CODES);
const isCatalogue = (f: string) => f.endsWith('core/errors/catalogue.ts');
const isThisFile = (f: string) => f.endsWith('catalogue-coverage.test.ts');

describe('error catalogue coverage', () => {
  const raised = raisedSites(join(ROOT, 'src'), isCatalogue);
  const asserted = assertedSites(join(ROOT, 'test'), isThisFile, codes);
  const raisedCodes = new Set(raised.map((s) => s.code));
  const assertedCodes = new Set(asserted.map((s) => s.code));

  it.each(ERROR_CODES)('%s is constructed in src/', (code) => {
    expect(raisedCodes.has(code)).toBe(true);
  });

  it.each(ERROR_CODES)('%s is asserted in test/', (code) => {
    expect(assertedCodes.has(code)).toBe(true);
  });

  it('a code raised in a phase other than its default has knowledge for that phase', () => {
    const missing = raised
      .filter((s) => s.phase && s.phase !== CATALOGUE[s.code as keyof typeof CATALOGUE].phase)
      .filter((s) => !(CATALOGUE[s.code as keyof typeof CATALOGUE] as { byPhase?: Record<string, unknown> }).byPhase?.[s.phase!])
      .map((s) => `${s.code}@${s.phase} (${s.file}:${s.line})`);
    expect(missing).toEqual([]);
  });

  it('comments, errors: lists and comparisons count as neither raised nor asserted', () => {
    const dir = mkdtempSync(`${(mkdirSync(TEST_ROOT, { recursive: true }), TEST_ROOT)}/sites-`);
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'test'));
    writeFileSync(
      join(dir, 'src', 'op.ts'),
      [
        "// raises docker_error when the engine is down: new BerthError('docker_error', ...)",
        "export const op = { errors: ['docker_error', 'proxy_unavailable'] };",
        "if (err.code === 'disk_space_low') throw err;",
        "function helper(code: ErrorCode, message: string) { return new BerthError(code, message); }",
        "helper('rollback_failed', 'm');",
        "function fail(code: ErrorCode, message: string, details?: object, phase?: Phase): never { throw new BerthError(code, message, details, phase); }",
        "fail('health_check_failed', 'm', {}, 'rollback');",
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'test', 'a.test.ts'),
      [
        "// expect(code).toBe('docker_error')",
        "const cases = ['proxy_unavailable'];",
        "expect(err.code).not.toBe('rollback_failed');",
        "expect(res).toMatchObject({ error: { code: 'health_check_failed' } });",
        "expect('disk_space_low' === x).toBe(true);",
        "function expectCode(res: unknown, code: string) { expect(res.code).toBe(code); }",
        "expectCode(res, 'internal');",
      ].join('\n'),
    );
    const r = raisedSites(join(dir, 'src'), () => false);
    expect(r.map((s) => [s.code, s.phase])).toEqual([
      ['rollback_failed', undefined],
      ['health_check_failed', 'rollback'],
    ]);
    const a = assertedSites(join(dir, 'test'), () => false, codes);
    expect(a.map((s) => s.code)).toEqual(['rollback_failed', 'health_check_failed', 'internal']);
  });
});
