import { z } from 'zod';
import { errorObject, knowledgeFor } from '../../core/errors/berth-error.js';
import { CATALOGUE, ERROR_CODES, isErrorCode } from '../../core/errors/catalogue.js';
import { fail } from '../../core/errors/berth-error.js';
import { defineOperation } from '../operation.js';

const remedy = z.object({ title: z.string(), command: z.string().optional(), safeByDefault: z.boolean() });

export const explanation = z.object({
  code: z.string(),
  summary: z.string(),
  category: z.string(),
  phase: z.string(),
  retryable: z.boolean(),
  responsibility: z.string(),
  actionability: z.string(),
  detailKeys: z.array(z.string()),
  remedies: z.array(remedy),
  links: z.object({ docs: z.string(), agentGuide: z.string(), runbook: z.string().optional(), source: z.string().optional() }),
  phases: z.array(z.string()),
});

export function explain(code: (typeof ERROR_CODES)[number]): z.infer<typeof explanation> {
  const k = knowledgeFor(code);
  const sample = errorObject(code, '', {});
  return {
    code,
    summary: k.summary,
    category: k.category,
    phase: k.phase,
    retryable: k.retryable,
    responsibility: k.responsibility,
    actionability: k.actionability,
    detailKeys: k.detailKeys ?? [],
    remedies: k.remedies,
    links: sample.links,
    phases: [k.phase, ...Object.keys((CATALOGUE[code] as { byPhase?: object }).byPhase ?? {})],
  };
}

export const explainError = defineOperation({
  name: 'errors.explain',
  kind: 'query',
  summary: 'Explain one error code: category, phase, who acts, what to do.',
  input: z.strictObject({ code: z.string().min(1).max(100) }),
  output: explanation,
  errors: ['error_code_not_found'],
  destructive: false,
  http: { method: 'GET', path: '/api/errors/{code}' },
  cli: { words: ['explain'], positionals: ['code'] },
  handler: async ({ code }) => {
    if (!isErrorCode(code)) fail('error_code_not_found', 'This error code is not in the catalogue.', { code: code.slice(0, 100) });
    return explain(code);
  },
});

export const listErrors = defineOperation({
  name: 'errors.list',
  kind: 'query',
  summary: 'List every catalogued error code.',
  input: z.strictObject({}),
  output: z.object({ codes: z.array(explanation) }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/errors' },
  cli: { words: ['error', 'list'] },
  handler: async () => ({ codes: ERROR_CODES.map(explain) }),
});
