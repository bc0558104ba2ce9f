import { BerthError } from '../errors/berth-error.js';
import type { ErrorObject } from '../errors/types.js';

// A source Berth cannot run, as `berth plan` and `berth up` both show it: a blocked plan with the
// error's code, its reason code and where to fix it. One shape whether the control plane found
// the problem while planning or the CLI found it while reading a compose file.

/** Phases whose errors block a plan (rather than fail the command): detect, plan, input checks. */
const BLOCKING_PHASES: Record<string, 'detect' | 'plan'> = { detect: 'detect', plan: 'plan', 'command-validation': 'plan' };

export interface PlanBlockView {
  phase: 'detect' | 'plan';
  code: string;
  reasonCode: string;
  evidence: unknown[];
  fixPath: string | null;
  overridePath: string | null;
  profileField: string | null;
  error: ErrorObject;
}

/** The blocked view of err, or undefined when err is not a planning refusal. */
export function planBlock(err: unknown): PlanBlockView | undefined {
  if (!(err instanceof BerthError)) return undefined;
  const phase = BLOCKING_PHASES[err.phase];
  if (!phase) return undefined;
  const d = err.details as { reasonCode?: string; evidence?: unknown[]; fixPath?: string; overridePath?: string; profileField?: string };
  return {
    phase,
    code: err.code,
    reasonCode: d.reasonCode ?? err.code,
    evidence: d.evidence ?? [],
    fixPath: d.fixPath ?? null,
    overridePath: d.overridePath ?? null,
    profileField: d.profileField ?? null,
    error: err.toObject(),
  };
}
