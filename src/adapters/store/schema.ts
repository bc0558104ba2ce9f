import { bigint, bigserial, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

// Drizzle's view of the tables created by migrations/*.sql (the SQL files are the authority;
// test/store/schema-matches-migrations.test.ts checks the two agree).

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' });

export const projects = pgTable('projects', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: ts('created_at').notNull(),
});

export const environments = pgTable('environments', {
  id: text('id').primaryKey(),
  projectId: text('project_id').notNull(),
  name: text('name').notNull(),
  createdAt: ts('created_at').notNull(),
});

export const resources = pgTable('resources', {
  id: text('id').primaryKey(),
  projectId: text('project_id').notNull(),
  environmentId: text('environment_id').notNull(),
  name: text('name').notNull(),
  source: jsonb('source'),
  runtime: jsonb('runtime').notNull(),
  build: jsonb('build').notNull(),
  network: jsonb('network').notNull(),
  health: jsonb('health').notNull(),
  access: jsonb('access').notNull(),
  secretNames: jsonb('secret_names').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

export const servers = pgTable('servers', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind').notNull(),
  host: text('host'),
  port: integer('port'),
  username: text('username'),
  auth: text('auth'),
  hostKey: text('host_key'),
  stateRoot: text('state_root').notNull().default('/var/lib/berth'),
  httpPort: integer('http_port').notNull().default(80),
  baseDomain: text('base_domain'),
  dockerSocket: text('docker_socket').notNull().default('/var/run/docker.sock'),
  acmeCa: text('acme_ca'),
  acmeEmail: text('acme_email'),
  /** The private key and passphrase, sealed by the secret cipher (never in clear). */
  sealedCredentials: text('sealed_credentials'),
  createdAt: ts('created_at').notNull(),
});

export const tokens = pgTable('tokens', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  secretHash: text('secret_hash').notNull(),
  createdAt: ts('created_at').notNull(),
  revokedAt: ts('revoked_at'),
  lastUsedAt: ts('last_used_at'),
});

export const consoleSessions = pgTable('console_sessions', {
  id: text('id').primaryKey(),
  tokenId: text('token_id').notNull(),
  linkHash: text('link_hash'),
  linkExpiresAt: ts('link_expires_at'),
  redeemedAt: ts('redeemed_at'),
  secretHash: text('secret_hash'),
  expiresAt: ts('expires_at'),
  revokedAt: ts('revoked_at'),
  createdAt: ts('created_at').notNull(),
});

export const auditEvents = pgTable('audit_events', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  id: text('id').notNull(),
  aggregateType: text('aggregate_type').notNull(),
  aggregateId: text('aggregate_id').notNull(),
  type: text('type').notNull(),
  actor: text('actor').notNull(),
  createdAt: ts('created_at').notNull(),
  payload: jsonb('payload').notNull(),
  redactedFields: jsonb('redacted_fields').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

export const deployments = pgTable('deployments', {
  id: text('id').primaryKey(),
  resourceId: text('resource_id').notNull(),
  projectId: text('project_id').notNull(),
  environmentId: text('environment_id').notNull(),
  serverId: text('server_id').notNull(),
  trigger: text('trigger').notNull(),
  status: text('status').notNull(),
  currentPhase: text('current_phase').notNull(),
  previewType: text('preview_type'),
  previewId: text('preview_id'),
  snapshot: jsonb('snapshot').notNull(),
  sourceSummary: jsonb('source_summary'),
  plan: jsonb('plan'),
  artifact: jsonb('artifact'),
  runtime: jsonb('runtime'),
  accessUrl: text('access_url'),
  error: jsonb('error'),
  recoveryHint: text('recovery_hint'),
  heartbeatAt: ts('heartbeat_at'),
  owner: text('owner'),
  eventsPrunedThrough: bigint('events_pruned_through', { mode: 'number' }).notNull(),
  createdAt: ts('created_at').notNull(),
  startedAt: ts('started_at'),
  finishedAt: ts('finished_at'),
  archivedAt: ts('archived_at'),
  sourceDeploymentId: text('source_deployment_id'),
});

export const deploymentEvents = pgTable('deployment_events', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  deploymentId: text('deployment_id').notNull(),
  at: ts('at').notNull(),
  kind: text('kind').notNull(),
  phase: text('phase'),
  data: jsonb('data').notNull(),
});

// --- history and governance (0003_governance.sql) ---------------------------------------------

export const workItems = pgTable('work_items', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  status: text('status').notNull(),
  phase: text('phase'),
  resourceId: text('resource_id'),
  serverId: text('server_id'),
  deploymentId: text('deployment_id'),
  certificateId: text('certificate_id'),
  error: jsonb('error'),
  details: jsonb('details').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  finishedAt: ts('finished_at'),
});

export const legalHolds = pgTable('legal_holds', {
  id: text('id').primaryKey(),
  aggregateId: text('aggregate_id').notNull(),
  reason: text('reason').notNull(),
  status: text('status').notNull(),
  createdAt: ts('created_at').notNull(),
  createdBy: text('created_by').notNull(),
  releasedAt: ts('released_at'),
  releasedBy: text('released_by'),
  releaseReason: text('release_reason'),
});

export const auditPruneGaps = pgTable('audit_prune_gaps', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  fromSeq: bigint('from_seq', { mode: 'number' }).notNull(),
  throughSeq: bigint('through_seq', { mode: 'number' }).notNull(),
  firstPrevHash: text('first_prev_hash').notNull(),
  lastHash: text('last_hash').notNull(),
  rows: bigint('rows', { mode: 'number' }).notNull(),
  prunedAt: ts('pruned_at').notNull(),
});

export const retentionDefaults = pgTable('retention_defaults', {
  scope: text('scope').notNull(),
  category: text('category').notNull(),
  retentionDays: integer('retention_days').notNull(),
  schedule: text('schedule').notNull(),
  updatedAt: ts('updated_at').notNull(),
  updatedBy: text('updated_by').notNull(),
}, (t) => [primaryKey({ columns: [t.scope, t.category] })]);

export const providerJobLogs = pgTable('provider_job_logs', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  provider: text('provider').notNull(),
  jobId: text('job_id'),
  deploymentId: text('deployment_id'),
  resourceId: text('resource_id'),
  at: ts('at').notNull(),
  level: text('level').notNull(),
  message: text('message').notNull(),
  data: jsonb('data').notNull(),
});

export const resourceSecrets = pgTable('resource_secrets', {
  resourceId: text('resource_id').notNull(),
  name: text('name').notNull(),
  sealed: text('sealed').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [primaryKey({ columns: [t.resourceId, t.name] })]);

export const domains = pgTable('domains', {
  id: text('id').primaryKey(),
  resourceId: text('resource_id').notNull(),
  name: text('name').notNull(),
  tls: text('tls').notNull(),
  redirectTo: text('redirect_to'),
  origin: text('origin').notNull(),
  certSeen: jsonb('cert_seen'),
  createdAt: ts('created_at').notNull(),
});
