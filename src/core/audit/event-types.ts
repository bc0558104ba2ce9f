import type { DeploymentTrigger } from '../deployments/deployment.js';

// The closed list of audit event types: `<aggregate>.<past-tense action>`. Every mutation Berth
// performs appends one of these; AuditInput.type only accepts them, so a new action must name
// its event here first (and `audit-event list` stays a vocabulary readers can rely on).
export const AUDIT_EVENT_TYPES = [
  // projects, environments, resources
  'project.created',
  'environment.created',
  'resource.created',
  'resource.updated',
  'resource.relinked',
  'resource.archived',
  'resource.deleted',
  'resource.secret-set',
  'resource.secret-unset',
  'domain.added',
  'domain.removed',
  // servers and the pool
  'server.registered',
  'server.updated',
  'server.removed',
  'server.runtime-pruned',
  'server.host-key-pinned',
  'node.joined',
  'node.removed',
  'remote-state.lock-recovered',
  // operator tokens
  'token.issued',
  'token.revoked',
  // console sessions
  'session.link-issued',
  'session.signed-in',
  'session.signed-out',
  // deployment attempts
  'deployment.created',
  'deployment.retried',
  'deployment.redeployed',
  'deployment.rolled-back',
  'deployment.canceled',
  'deployment.archived',
  'deployment.pruned',
  // previews
  'preview.cleaned-up',
  // edge proxy and certificates
  'proxy.configured',
  'proxy.stopped',
  'certificate.issued',
  'certificate.renewed',
  'certificate.failed',
  // backups
  'backup.taken',
  'backup.restored',
  // history and governance
  'legal-hold.configured',
  'legal-hold.released',
  'retention-default.configured',
  'audit.pruned',
  'provider-job-log.pruned',
  'domain-event.pruned',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export function isAuditEventType(value: string): value is AuditEventType {
  return (AUDIT_EVENT_TYPES as readonly string[]).includes(value);
}

/** The event a new attempt records, by what triggered it (a preview is a created deployment). */
export function deploymentEventType(trigger: DeploymentTrigger): AuditEventType {
  switch (trigger) {
    case 'retry':
      return 'deployment.retried';
    case 'redeploy':
      return 'deployment.redeployed';
    case 'rollback':
      return 'deployment.rolled-back';
    default:
      return 'deployment.created';
  }
}
