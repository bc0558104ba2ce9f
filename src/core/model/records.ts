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
  /** How Berth authenticates to an SSH server; the key itself lives sealed, never on the record. */
  auth: 'key' | 'agent' | null;
  /** The pinned host key fingerprint (`SHA256:...`); null until the first connection pins it. */
  hostKey: string | null;
  stateRoot: string;
  httpPort: number;
  baseDomain: string | null;
  /** The Docker Engine socket on the server. */
  dockerSocket: string;
  /** The server's own ACME directory URL and contact email; null: the control plane's (effectiveAcme). */
  acmeCa: string | null;
  acmeEmail: string | null;
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

/** The fields a server has when registration names none (also what rows from before 0006 read back as). */
export const SERVER_DEFAULTS = {
  auth: null,
  hostKey: null,
  stateRoot: '/var/lib/berth',
  httpPort: 80,
  baseDomain: null,
  dockerSocket: '/var/run/docker.sock',
  acmeCa: null,
  acmeEmail: null,
} as const satisfies Pick<Server, 'auth' | 'hostKey' | 'stateRoot' | 'httpPort' | 'baseDomain' | 'dockerSocket' | 'acmeCa' | 'acmeEmail'>;
