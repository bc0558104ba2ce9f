// Deployment statuses and phases: closed sets, never collapsed (docs/architecture.md, "Invariants").

export const DEPLOYMENT_STATUSES = [
  'created',
  'planning',
  'planned',
  'running',
  'verifying',
  'cancel-requested',
  'succeeded',
  'failed',
  'canceled',
  'interrupted',
  'rolled-back',
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export const LIFECYCLE_PHASES = ['detect', 'plan', 'execute', 'verify', 'rollback'] as const;
export type LifecyclePhase = (typeof LIFECYCLE_PHASES)[number];

export const TERMINAL_STATUSES: readonly DeploymentStatus[] = ['succeeded', 'failed', 'canceled', 'interrupted', 'rolled-back'];
export const ACTIVE_STATUSES: readonly DeploymentStatus[] = DEPLOYMENT_STATUSES.filter((s) => !TERMINAL_STATUSES.includes(s));

export const isTerminal = (s: DeploymentStatus): boolean => TERMINAL_STATUSES.includes(s);

/** Allowed transitions; anything else is a bug in the runner, refused by assertTransition. */
const NEXT: Record<DeploymentStatus, readonly DeploymentStatus[]> = {
  created: ['planning', 'cancel-requested', 'canceled', 'failed', 'interrupted'],
  planning: ['planned', 'failed', 'cancel-requested', 'canceled', 'interrupted'],
  planned: ['running', 'failed', 'cancel-requested', 'canceled', 'interrupted'],
  running: ['verifying', 'failed', 'cancel-requested', 'canceled', 'interrupted'],
  verifying: ['succeeded', 'failed', 'rolled-back', 'cancel-requested', 'canceled', 'interrupted'],
  'cancel-requested': ['canceled', 'failed', 'interrupted', 'rolled-back'],
  succeeded: [],
  failed: [],
  canceled: [],
  interrupted: [],
  'rolled-back': [],
};

export function canTransition(from: DeploymentStatus, to: DeploymentStatus): boolean {
  return NEXT[from].includes(to);
}

/** The statuses an attempt may reach `to` from (what a compare-and-set to `to` may expect). */
export const sourcesOf = (to: DeploymentStatus): DeploymentStatus[] => DEPLOYMENT_STATUSES.filter((from) => canTransition(from, to));

/** A status change the lifecycle does not allow: a bug in whoever asked for it, never stored. */
export class IllegalStatusTransition extends Error {
  constructor(
    readonly from: DeploymentStatus,
    readonly to: DeploymentStatus,
  ) {
    super(`illegal deployment status transition ${from} -> ${to}`);
    this.name = 'IllegalStatusTransition';
  }
}

/** Raises when any of the expected statuses may not move to `to`. */
export function assertTransition(from: readonly DeploymentStatus[], to: DeploymentStatus): void {
  const illegal = from.find((f) => !canTransition(f, to));
  if (illegal) throw new IllegalStatusTransition(illegal, to);
}

/** The phase a status belongs to, for the status a user sees. */
export function phaseOf(status: DeploymentStatus, current: LifecyclePhase): LifecyclePhase {
  switch (status) {
    case 'created':
    case 'planning':
      return status === 'planning' ? 'plan' : 'detect';
    case 'planned':
      return 'plan';
    case 'running':
      return 'execute';
    case 'verifying':
      return 'verify';
    default:
      return current;
  }
}
