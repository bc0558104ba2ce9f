import type { ErrorObject } from '../errors/types.js';

// The work ledger's vocabulary. A work item is one background attempt: a deployment, a proxy bootstrap, a certificate, a prune, a reconcile run.

export const WORK_KINDS = [
  'deployment',
  'proxy-bootstrap',
  'certificate',
  'remote-state',
  'reconcile',
  'deployment-prune',
  'runtime-prune',
  'audit-prune',
  'provider-job-log-prune',
  'domain-event-prune',
] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

export const WORK_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'rolled-back', 'canceled', 'interrupted'] as const;
export type WorkStatus = (typeof WORK_STATUSES)[number];
export const FINISHED_WORK: readonly WorkStatus[] = ['succeeded', 'failed', 'rolled-back', 'canceled', 'interrupted'];

export const NEXT_ACTIONS = ['diagnostic', 'manual-review', 'retry', 'no-action'] as const;
export type NextAction = (typeof NEXT_ACTIONS)[number];

/** What is stored for recorded (non-deployment) work, and what a deployment folds into. */
export interface WorkRecord {
  id: string;
  kind: WorkKind;
  status: WorkStatus;
  phase: string | null;
  resourceId: string | null;
  serverId: string | null;
  deploymentId: string | null;
  certificateId: string | null;
  error: ErrorObject | null;
  /** Safe, redacted facts about the run (counts, cutoffs); never secrets. */
  details: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface WorkItem extends WorkRecord {
  /** The source's own status where it has a finer one (a deployment's `verifying`...). */
  attemptStatus: string;
  errorCode: string | null;
  errorCategory: string | null;
  retryable: boolean;
  nextActions: NextAction[];
}

/**
 * Safe next actions, from the status and the error's actionability. The ledger only suggests:
 * `retry` means a recovery command may consider retrying; reading never retries.
 *
 * | status / actionability          | nextActions                         |
 * |---------------------------------|-------------------------------------|
 * | queued, running                 | no-action (it is being worked on)   |
 * | succeeded, canceled             | no-action                           |
 * | ended without an error code     | manual-review                       |
 * | fix-input                       | manual-review (input must change)   |
 * | run-diagnostic                  | diagnostic (+ retry when retryable) |
 * | wait-retry, auto-recoverable    | retry                               |
 * | manual-review, report-bug       | manual-review                       |
 * | no-user-action                  | no-action                           |
 */
export function nextActionsFor(status: WorkStatus, error: Pick<ErrorObject, 'actionability' | 'retryable'> | null): NextAction[] {
  if (status === 'queued' || status === 'running' || status === 'succeeded' || status === 'canceled') return ['no-action'];
  if (!error) return ['manual-review'];
  switch (error.actionability) {
    case 'fix-input':
      return ['manual-review'];
    case 'run-diagnostic':
      return error.retryable ? ['diagnostic', 'retry'] : ['diagnostic'];
    case 'wait-retry':
    case 'auto-recoverable':
      return ['retry'];
    case 'no-user-action':
      return ['no-action'];
    case 'manual-review':
    case 'report-bug':
    default:
      return ['manual-review'];
  }
}

export function toWorkItem(r: WorkRecord, attemptStatus: string = r.status): WorkItem {
  return {
    ...r,
    attemptStatus,
    errorCode: r.error?.code ?? null,
    errorCategory: r.error?.category ?? null,
    retryable: r.error?.retryable ?? false,
    nextActions: nextActionsFor(r.status, r.error),
  };
}
