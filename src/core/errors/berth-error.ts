import { CATALOGUE, type ErrorCode } from './catalogue.js';
import type { CodeSpec, ErrorObject, Phase } from './types.js';
import { redactDetails } from '../redaction/redact.js';

export const DOCS_BASE = 'https://berth.dev/docs/errors';

/** The single way to make an error: every field but message and details comes from the catalogue. */
export class BerthError extends Error {
  readonly code: ErrorCode;
  readonly phase: Phase;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, phase?: Phase) {
    super(message);
    this.name = 'BerthError';
    this.code = code;
    this.phase = phase ?? CATALOGUE[code].phase;
    this.details = redactDetails(details);
  }

  toObject(): ErrorObject {
    return errorObject(this.code, this.message, this.details, this.phase);
  }
}

export function fail(code: ErrorCode, message: string, details?: Record<string, unknown>, phase?: Phase): never {
  throw new BerthError(code, message, details, phase);
}

/** Knowledge is looked up by (code, phase, reason): a phase override wins over the code's defaults, a reason's over both. */
export function knowledgeFor(code: ErrorCode, phase?: Phase, reason?: unknown): Omit<CodeSpec, 'byPhase' | 'byReason'> {
  const spec: CodeSpec = CATALOGUE[code];
  const override = phase ? spec.byPhase?.[phase] : undefined;
  const byReason = typeof reason === 'string' && spec.byReason && Object.prototype.hasOwnProperty.call(spec.byReason, reason) ? spec.byReason[reason] : undefined;
  const { byPhase: _ignored, byReason: _alsoIgnored, ...base } = spec;
  return { ...base, ...override, ...byReason };
}

export function errorLinks(code: string, phase: Phase, source?: string) {
  return {
    docs: `${DOCS_BASE}/${code}`,
    agentGuide: `${DOCS_BASE}/${code}.md#${phase}`,
    ...(source ? { source } : {}),
  };
}

export function errorObject(code: ErrorCode, message: string, details: Record<string, unknown>, phase?: Phase): ErrorObject {
  const k = knowledgeFor(code, phase, details.reason);
  const effectivePhase = phase ?? k.phase;
  return {
    code,
    category: k.category,
    phase: effectivePhase,
    retryable: k.retryable,
    message,
    details,
    responsibility: k.responsibility,
    actionability: k.actionability,
    links: { ...errorLinks(code, effectivePhase), ...(k.runbook ? { runbook: k.runbook } : {}) },
    remedies: k.remedies,
  };
}

/** Anything thrown that is not a BerthError becomes `internal`, never leaking its message. */
export function toBerthError(err: unknown, correlationId: string): BerthError {
  if (err instanceof BerthError) return err;
  const reason = err instanceof Error ? err.name : typeof err;
  return new BerthError('internal', 'An unexpected error occurred inside Berth.', { reason, correlationId });
}
