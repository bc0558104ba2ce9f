import { bigint, bigserial, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

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
