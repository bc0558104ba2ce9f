// Deployment statuses and phases (PRODUCT.md "Statuses"): closed sets, never collapsed.

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

/** Allowed transitions; anything else is a bug in the runner, caught by assertTransition. */
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
