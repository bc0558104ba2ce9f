import type { AccessProfile, BuildProfile, HealthProfile, NetworkProfile, RuntimeProfile, SourceProfile } from './profiles.js';

// Aggregate records as the rest of Berth sees them, whatever the store behind them.

export interface Project {
  id: string;
  name: string;
  createdAt: string;
}

export interface Environment {
  id: string;
  projectId: string;
  name: string;
  createdAt: string;
}

export interface Resource {
  id: string;
  projectId: string;
  environmentId: string;
  name: string;
  source: SourceProfile | null;
  runtime: RuntimeProfile;
  build: BuildProfile;
  network: NetworkProfile;
  health: HealthProfile;
  access: AccessProfile;
  /** Names of secret environment variables; values live only in the secret store. */
  secretNames: string[];
  createdAt: string;
  updatedAt: string;
}

export interface Server {
  id: string;
  name: string;
  kind: 'local' | 'ssh';
  host: string | null;
  port: number | null;
  user: string | null;
  createdAt: string;
}

export interface Token {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface Actor {
  kind: 'token' | 'system';
  id: string;
}

export interface AuditEventSummary {
  id: string;
  aggregateId: string;
  type: string;
  createdAt: string;
}
