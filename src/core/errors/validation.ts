import type { z } from 'zod';
import { BerthError } from './berth-error.js';

// Zod issues become validation_failed with positional arrays. Field values are never echoed:
// messages are built from issue kinds, not from the input. Hostile input is bounded: at most
// MAX_ISSUES issues are reported, path segments are truncated, and strings that no store can hold
// (NUL, lone surrogates) or nesting deeper than any operation takes are refused before the schema
// runs.

export type ValidationIssueCode = 'unsupported_field' | 'invalid_input';

export interface ValidationIssue {
  code: ValidationIssueCode;
  path: string;
  message: string;
}

export const MAX_ISSUES = 20;
export const MAX_SEGMENT_CHARS = 64;
export const MAX_DEPTH = 32;
/** More fields in one object than any operation's input or map takes. */
export const MAX_FIELDS = 1_000;

/** A path segment as reported: input keys are cut so an error cannot grow with the input. */
function segment(key: PropertyKey): string {
  const text = String(key);
  return text.length > MAX_SEGMENT_CHARS ? `${text.slice(0, MAX_SEGMENT_CHARS)}…` : text;
}

const pathOf = (keys: readonly PropertyKey[]) => keys.map(segment).join('.') || '(input)';

export function issuesFromZod(error: z.ZodError): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys.slice(0, MAX_ISSUES)) issues.push({ code: 'unsupported_field', path: pathOf([...issue.path, key]), message: 'Field is not supported by this operation.' });
    } else {
      issues.push({ code: 'invalid_input', path: pathOf(issue.path), message: safeMessage(issue) });
    }
    if (issues.length >= MAX_ISSUES) break;
  }
  return issues;
}

function safeMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'Field is required.' : `Expected ${issue.expected}.`;
    case 'too_small':
      return `Too small: minimum ${String(issue.minimum)}.`;
    case 'too_big':
      return `Too big: maximum ${String(issue.maximum)}.`;
    case 'invalid_value':
      return `Expected one of: ${issue.values.map(String).join(', ')}.`;
    case 'invalid_format':
      // A pattern with a message of its own says what is allowed; zod's default would echo the pattern only.
      return issue.format === 'regex' && !issue.message.startsWith('Invalid string') ? `Expected format regex: ${issue.message}.` : `Expected format ${issue.format}.`;
    case 'invalid_union':
      return 'Does not match any accepted shape.';
    case 'custom':
      return issue.message;
    default:
      return 'Invalid value.';
  }
}

// In a `u` regex a surrogate range matches only surrogates that are not part of a pair.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function stringProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'Contains a NUL character, which is not accepted.';
  if (LONE_SURROGATE.test(text)) return 'Is not well-formed Unicode (a lone surrogate).';
  return undefined;
}

interface Visit {
  value: unknown;
  key: PropertyKey | undefined;
  parent: Visit | undefined;
  depth: number;
}

function pathTo(visit: Visit, last?: PropertyKey): string {
  const keys: PropertyKey[] = last === undefined ? [] : [last];
  for (let v: Visit | undefined = visit; v?.key !== undefined; v = v.parent) keys.unshift(v.key);
  return pathOf(keys);
}

/**
 * Strings (values and keys) that are not well-formed text, objects with more fields than any
 * operation takes, and nesting past MAX_DEPTH, at any depth of the raw input. Iterative, so a deep
 * input cannot exhaust the stack; the counts are checked before the schema sees the input.
 */
export function malformedInputIssues(input: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const stack: Visit[] = [{ value: input, key: undefined, parent: undefined, depth: 0 }];
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const visit = stack.pop()!;
    const { value } = visit;
    if (typeof value === 'string') {
      const problem = stringProblem(value);
      if (problem) issues.push({ code: 'invalid_input', path: pathTo(visit), message: problem });
      continue;
    }
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) continue;
    if (visit.depth >= MAX_DEPTH) {
      issues.push({ code: 'invalid_input', path: pathTo(visit), message: `Nested deeper than ${MAX_DEPTH} levels.` });
      continue;
    }
    const keys = Array.isArray(value) ? undefined : Object.keys(value);
    if (keys && keys.length > MAX_FIELDS) {
      issues.push({ code: 'invalid_input', path: pathTo(visit), message: `Has more than ${MAX_FIELDS} fields.` });
      continue;
    }
    const children = keys ?? (value as unknown[]).map((_, i) => i);
    for (let i = children.length - 1; i >= 0; i--) {
      const key = children[i]!;
      const keyProblem = typeof key === 'string' ? stringProblem(key) : undefined;
      if (keyProblem) {
        // The key itself is the bad input: report where it is, not what it says.
        issues.push({ code: 'invalid_input', path: pathTo(visit, '(key)'), message: keyProblem });
        if (issues.length >= MAX_ISSUES) break;
        continue;
      }
      stack.push({ value: (value as Record<PropertyKey, unknown>)[key], key, parent: visit, depth: visit.depth + 1 });
    }
  }
  return issues;
}

export function validationError(issues: ValidationIssue[]): BerthError {
  const shown = issues.slice(0, MAX_ISSUES);
  return new BerthError('validation_failed', `Input is invalid: ${shown.length} issue(s); details.validationIssuePaths names the fields.`, {
    validationIssueCodes: shown.map((i) => i.code),
    validationIssuePaths: shown.map((i) => i.path),
    validationIssueMessages: shown.map((i) => i.message),
  });
}

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const malformed = malformedInputIssues(input);
  if (malformed.length > 0) throw validationError(malformed);
  // reportInput lets us tell a missing field from a wrong one; the input itself is never echoed.
  const result = schema.safeParse(input ?? {}, { reportInput: true });
  if (!result.success) throw validationError(issuesFromZod(result.error));
  return result.data;
}
