// The closed list of audit event types. A type lands here with the action that writes it.
export const AUDIT_EVENT_TYPES = [
  'project.created',
  'environment.created',
  'resource.created',
  'resource.updated',
  'server.registered',
  'token.issued',
  'token.revoked',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
