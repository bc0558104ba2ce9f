import type { z } from 'zod';
import { issuesFromZod, validationError, type ValidationIssue } from '../../core/errors/validation.js';
import type { Operation } from '../../operations/operation.js';

// A path parameter must survive being a URL segment: a value that is not a non-empty string, or a
// dot segment (`.`, `..`, which URLs resolve away), would reach another route or none. Such values
// are refused before the request is made, with the issues the operation's own schema gives.

const DOT_SEGMENT = /^\.{1,2}$/;

export function pathParamIssues(op: Pick<Operation, 'http'> & Partial<Pick<Operation, 'input'>>, input: Record<string, unknown>): ValidationIssue[] {
  const names = [...op.http.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const shape = (op.input as unknown as { shape?: Record<string, z.ZodType> } | undefined)?.shape ?? {};
  const issues: ValidationIssue[] = [];
  for (const name of names) {
    const value = input[name];
    const schema = shape[name];
    // The field's own schema, its issues placed under the field (no zod import: the CLI loads it only with the catalogue).
    const result = schema?.safeParse(value, { reportInput: true });
    if (result && !result.success) issues.push(...issuesFromZod({ issues: result.error.issues.map((i) => ({ ...i, path: [name, ...i.path] })) } as z.ZodError));
    else if (typeof value !== 'string' || value === '') issues.push({ code: 'invalid_input', path: name, message: 'Expected a non-empty string.' });
    else if (DOT_SEGMENT.test(value)) issues.push({ code: 'invalid_input', path: name, message: 'A path id cannot be "." or "..".' });
  }
  return issues;
}

export function assertPathParams(op: Pick<Operation, 'http'> & Partial<Pick<Operation, 'input'>>, input: Record<string, unknown>): void {
  const issues = pathParamIssues(op, input);
  if (issues.length > 0) throw validationError(issues);
}
