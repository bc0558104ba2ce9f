import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { COMMON_ERRORS, type Operation } from '../../src/operations/operation.js';
import { TEST_ROOT } from './paths.js';

// Every error an operation answers during the test run is recorded here (one NDJSON file per test
// process), by the control planes the tests start. After the run, each recorded code must be one
// the operation declares in `errors` (or one every operation may return): an operation that
// answers a code it does not declare fails the run. The check is in global-setup's teardown, so it
// sees every file's observations; test/errors/declared-errors.test.ts tests the check itself.

export const OBSERVED_DIR = `${TEST_ROOT}/observed-errors`;

export interface Observation {
  operation: string;
  code: string;
}

export function recordObservedError(operation: string, code: string): void {
  mkdirSync(OBSERVED_DIR, { recursive: true });
  appendFileSync(join(OBSERVED_DIR, `${process.pid}.ndjson`), JSON.stringify({ operation, code }) + '\n');
}

export function readObservedErrors(dir: string = OBSERVED_DIR): Observation[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Observation),
  );
}

export function clearObservedErrors(dir: string = OBSERVED_DIR): void {
  // Another vitest run on the same checkout may be writing here; its files are then its own.
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    // left for that run
  }
}

/** Observed (operation, code) pairs the operation does not declare, one per pair. */
export function undeclaredErrors(observations: readonly Observation[], operations: readonly Pick<Operation, 'name' | 'errors'>[]): Observation[] {
  const declared = new Map(operations.map((op) => [op.name, new Set<string>([...op.errors, ...COMMON_ERRORS])]));
  const seen = new Set<string>();
  const out: Observation[] = [];
  for (const o of observations) {
    const key = `${o.operation} ${o.code}`;
    if (seen.has(key) || declared.get(o.operation)?.has(o.code)) continue;
    seen.add(key);
    out.push(o);
  }
  return out;
}
