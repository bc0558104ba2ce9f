// The vocabulary of the error contract (codes themselves live in catalogue.ts).

export const CATEGORIES = [
  'validation',
  'not-found',
  'conflict',
  'permission',
  'domain',
  'infra',
  'provider',
  'timeout',
  'integrity',
  'internal',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const PHASES = [
  'command-validation',
  'auth',
  'context-resolution',
  'detect',
  'plan',
  'execute',
  'verify',
  'rollback',
  'recovery',
  'remote-state-lock',
  'remote-state-resolution',
  'history',
  'cluster',
  'startup',
] as const;
export type Phase = (typeof PHASES)[number];

export const RESPONSIBILITIES = ['user', 'operator', 'system', 'provider', 'berth'] as const;
export type Responsibility = (typeof RESPONSIBILITIES)[number];

export const ACTIONABILITIES = [
  'fix-input',
  'wait-retry',
  'run-diagnostic',
  'auto-recoverable',
  'report-bug',
  'no-user-action',
  'manual-review',
] as const;
export type Actionability = (typeof ACTIONABILITIES)[number];

export interface Remedy {
  /** What to do, in words. */
  title: string;
  /** A command the user or agent can run, when one fits. */
  command?: string;
  /** True when running it cannot make things worse (read-only or idempotent). */
  safeByDefault: boolean;
}

/** Guidance that may differ per phase for the same code. */
export interface Knowledge {
  responsibility: Responsibility;
  actionability: Actionability;
  remedies: Remedy[];
  runbook?: string;
}

export interface CodeSpec extends Knowledge {
  category: Category;
  phase: Phase;
  retryable: boolean;
  /** One-sentence explanation used by `berth explain` and the docs. */
  summary: string;
  /** Detail keys callers may rely on. */
  detailKeys?: string[];
  /** Overrides keyed by phase, for codes whose guidance depends on where they happen. */
  byPhase?: Partial<Record<Phase, Partial<Omit<CodeSpec, 'byPhase'>>>>;
  /** Overrides keyed by `details.reason`, for codes whose cause decides who acts and whether a retry helps. */
  byReason?: Record<string, Partial<Omit<CodeSpec, 'byPhase' | 'byReason' | 'phase'>>>;
}

export interface ErrorLinks {
  docs: string;
  agentGuide: string;
  runbook?: string;
  source?: string;
}

/** The wire shape every surface renders, identical on CLI, HTTP and MCP. */
export interface ErrorObject {
  code: string;
  category: Category;
  phase: Phase;
  retryable: boolean;
  message: string;
  details: Record<string, unknown>;
  responsibility: Responsibility;
  actionability: Actionability;
  links: ErrorLinks;
  remedies: Remedy[];
}
