import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/operations/catalogue.js';
import { ROOT } from '../support/paths.js';

// What the hand-written and generated docs claim about operations' inputs, checked against the
// input schemas.

const fieldsOf = (op: (typeof OPERATIONS)[number]) => Object.keys((op.input as unknown as { shape: object }).shape);

describe('the docs say what the operations take', () => {
  it('docs/operations.md claims a dryRun guard only for operations that take dryRun', () => {
    const doc = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
    for (const op of OPERATIONS.filter((o) => o.destructive)) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${op.name}\` |`));
      expect(row, op.name).toBeDefined();
      expect(row!.includes('(dryRun)'), op.name).toBe(fieldsOf(op).includes('dryRun'));
    }
  });

  it('docs/recovery.md names exactly the commands that accept readinessGeneratedAt', () => {
    const doc = readFileSync(join(ROOT, 'docs/recovery.md'), 'utf8');
    const sentence = doc.split('\n\n').find((p) => p.includes('as `readinessGeneratedAt`'))!;
    expect(sentence).toBeDefined();
    const named = new Set([...sentence.slice(0, sentence.indexOf('accept')).matchAll(/`([a-z-]+)`/g)].map((m) => m[1]));
    const accepting = new Set(OPERATIONS.filter((op) => fieldsOf(op).includes('readinessGeneratedAt')).map((op) => op.cli.words.at(-1)));
    expect([...named].sort()).toEqual([...accepting].sort());
  });
});
