import type { z } from 'zod';
import { BerthError } from './berth-error.js';

// Zod issues become validation_failed with positional arrays. Field values are never echoed:
// messages are built from issue kinds, not from the input.

export type ValidationIssueCode = 'unsupported_field' | 'invalid_input';

export interface ValidationIssue {
  code: ValidationIssueCode;
  path: string;
  message: string;
}

export function issuesFromZod(error: z.ZodError): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push({ code: 'unsupported_field', path: [...base, key].join('.'), message: 'Field is not supported by this operation.' });
    } else {
      issues.push({ code: 'invalid_input', path: base.join('.') || '(input)', message: safeMessage(issue) });
    }
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
      return `Expected format ${issue.format}.`;
    case 'invalid_union':
      return 'Does not match any accepted shape.';
    case 'custom':
      return issue.message;
    default:
      return 'Invalid value.';
  }
}

export function validationError(issues: ValidationIssue[]): BerthError {
  return new BerthError('validation_failed', `Input is invalid: ${issues.map((i) => `${i.path} (${i.code})`).join(', ')}.`, {
    validationIssueCodes: issues.map((i) => i.code),
    validationIssuePaths: issues.map((i) => i.path),
    validationIssueMessages: issues.map((i) => i.message),
  });
}

export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  // reportInput lets us tell a missing field from a wrong one; the input itself is never echoed.
  const result = schema.safeParse(input ?? {}, { reportInput: true });
  if (!result.success) throw validationError(issuesFromZod(result.error));
  return result.data;
}
