import type { ErrorObject } from '../errors/types.js';
import type { DeploymentStatus, LifecyclePhase } from './status.js';

/** One line for humans and agents: where to start, from the phase that failed. */
export function recoveryHint(status: DeploymentStatus, phase: LifecyclePhase, error: ErrorObject | null): string | null {
  if (status === 'succeeded') return null;
  if (status === 'interrupted') return 'The control plane stopped during this attempt: check recovery readiness, then retry.';
  if (status === 'canceled') return 'Canceled on request: deploy again when ready.';
  if (!error) return status === 'verifying' ? 'Inspect health summary before retrying.' : null;
  switch (phase) {
    case 'detect':
      return 'Fix the source or its configuration (or relink the resource), then deploy again.';
    case 'plan':
      return 'Fix the resource profile named in the error details, then redeploy.';
    case 'execute':
      return 'Inspect the server, credentials, build output and runtime logs before retrying.';
    case 'verify':
      return status === 'rolled-back'
        ? 'The previous version kept serving. Inspect health, logs, network and proxy before redeploying.'
        : 'Inspect health, logs, network profile and proxy route before redeploying.';
    case 'rollback':
      return 'Manual intervention is required: save diagnostics first.';
  }
}
