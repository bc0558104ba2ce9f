import type { CertificateObservation, DomainRecord } from '../core/domains/domain.js';
import type { Deployment, JournalEvent, RuntimeRecord } from '../core/deployments/deployment.js';
import type { DeploymentStatus } from '../core/deployments/status.js';
import type { Actor, AuditEventSummary, Environment, Project, Resource, Server, Token } from '../core/model/records.js';
import type { AuditEventType } from '../core/audit/event-types.js';
import type { GovernanceRepos } from './governance-store.js';

// The state store as operations see it. Adapters implement it over PGlite or PostgreSQL with one
// schema; nothing above this port knows which.

export interface AuditInput {
  type: AuditEventType;
  aggregateType: string;
  aggregateId: string;
  actor: Actor;
  payload: object;
}

/** One reference to an attempt, from another attempt (its source), a provider job log row or a work item. */
export interface DeploymentReference {
  deploymentId: string;
  by: 'attempt' | 'provider-log' | 'work-item';
  referrerId: string;
}

export interface ProjectsRepo {
  create(p: Project): Promise<void>;
  get(id: string): Promise<Project | undefined>;
  findByName(name: string): Promise<Project | undefined>;
  list(): Promise<Project[]>;
}

export interface EnvironmentsRepo {
  create(e: Environment): Promise<void>;
  get(id: string): Promise<Environment | undefined>;
  findByName(projectId: string, name: string): Promise<Environment | undefined>;
  list(projectId?: string): Promise<Environment[]>;
}

export interface ResourcesRepo {
  create(r: Resource): Promise<void>;
  update(r: Resource): Promise<void>;
  get(id: string): Promise<Resource | undefined>;
  findByName(environmentId: string, name: string): Promise<Resource | undefined>;
  list(filter?: { environmentId?: string; projectId?: string }): Promise<Resource[]>;
}

export interface ServersRepo {
  /** `sealedCredentials`: the key and passphrase as the secret cipher sealed them. */
  create(s: Server, sealedCredentials?: string): Promise<void>;
  get(id: string): Promise<Server | undefined>;
  sealedCredentials(id: string): Promise<string | null>;
  setHostKey(id: string, hostKey: string): Promise<void>;
  setAcme(id: string, acme: Pick<Server, 'acmeCa' | 'acmeEmail'>): Promise<void>;
  /** Pins a first-use key only while none is pinned; false when another caller pinned first. */
  pinFirstHostKey(id: string, hostKey: string): Promise<boolean>;
  findByName(name: string): Promise<Server | undefined>;
  list(): Promise<Server[]>;
}

export interface TokensRepo {
  create(t: Token, secretHash: string): Promise<void>;
  get(id: string): Promise<Token | undefined>;
  findByHash(secretHash: string): Promise<Token | undefined>;
  list(): Promise<Token[]>;
  revoke(id: string, at: string): Promise<void>;
  touch(id: string, at: string): Promise<void>;
}

/** A console session, or the one-time sign-in link it starts as (only hashes are stored). */
export interface ConsoleSession {
  id: string;
  /** The operator token the session acts as; revoking the token ends its sessions. */
  tokenId: string;
  linkExpiresAt: string | null;
  redeemedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

export interface ConsoleSessionsRepo {
  create(s: ConsoleSession, hashes: { linkHash?: string; secretHash?: string }): Promise<void>;
  /** Compare-and-set: the link becomes this session only if unused and unexpired at `at`. */
  redeemLink(linkHash: string, secretHash: string, at: string, expiresAt: string): Promise<ConsoleSession | undefined>;
  findByLinkHash(linkHash: string): Promise<ConsoleSession | undefined>;
  findBySecretHash(secretHash: string): Promise<ConsoleSession | undefined>;
  revoke(id: string, at: string): Promise<void>;
}

export interface AuditRepo {
  append(e: AuditInput): Promise<string>;
  list(aggregateId: string): Promise<AuditEventSummary[]>;
}

export interface DeploymentsRepo {
  create(d: Deployment): Promise<void>;
  get(id: string): Promise<Deployment | undefined>;
  /** Writes the mutable fields (status, phase, plan, artifact, runtime, error, times...). */
  update(id: string, changes: Partial<Omit<Deployment, 'id' | 'resourceId' | 'snapshot' | 'createdAt'>>): Promise<void>;
  /** Moves status only when the row is still in one of `from` (compare-and-set); returns success. */
  transition(id: string, from: readonly DeploymentStatus[], changes: Partial<Deployment> & { status: DeploymentStatus }): Promise<boolean>;
  list(filter: { resourceId?: string; status?: readonly DeploymentStatus[]; includeArchived?: boolean; preview?: { type: string; id: string } | null; limit?: number }): Promise<Deployment[]>;
  /**
   * Live attempts of a resource and preview key (succeeded, runtime never retired; archived
   * included), newest first: read from an index of live attempts, so the cost does not grow with
   * the resource's history.
   */
  live(resourceId: string, preview: { type: string; id: string } | null): Promise<Deployment[]>;
  /** Live attempts (any resource) kept warm whose window ended before `at`, oldest window first. */
  warmExpired(at: string): Promise<Deployment[]>;
  /**
   * Writes a runtime that no longer owns running containers (retired, or handed over) only while
   * the stored runtime is still live (compare-and-set): of a retirement and a warm takeover
   * racing for one runtime, exactly one wins. False when it was no longer live.
   */
  releaseRuntime(id: string, runtime: RuntimeRecord): Promise<boolean>;
  /** Active attempts whose heartbeat is older than the cutoff (or never beat and were created before it). */
  stale(cutoff: string): Promise<Deployment[]>;
  heartbeat(id: string, at: string): Promise<void>;
  /** Sets archivedAt on a terminal, unarchived attempt (compare-and-set); false otherwise. */
  archive(id: string, at: string): Promise<boolean>;
  /** Archived terminal attempts that ended (or, never started, were created) before the cutoff, oldest first. */
  archivedBefore(cutoff: string, limit: number): Promise<Deployment[]>;
  /** What refers to these attempts: attempts naming one as their source, provider job logs, work items. */
  references(ids: readonly string[]): Promise<DeploymentReference[]>;
  /** Latest attempt creation or status change of a resource and preview key (staleness of recovery decisions). */
  lastChangeAt(resourceId: string, preview: { type: string; id: string } | null): Promise<string | null>;
  /** Deletes attempt rows (their journal rows first); returns how many attempts were deleted. */
  remove(ids: readonly string[]): Promise<number>;
}

export interface JournalRepo {
  append(deploymentId: string, e: Omit<JournalEvent, 'seq' | 'deploymentId'>): Promise<JournalEvent>;
  /** Events of one deployment with seq > after, in order. */
  after(deploymentId: string, after: number, limit: number): Promise<JournalEvent[]>;
  /**
   * Deletes journal rows older than the cutoff, raising each deployment's pruned watermark.
   * Rows of active attempts are recovery evidence and are kept (counted in skippedActive).
   */
  pruneBefore(cutoff: string, opts: { dryRun: boolean }): Promise<{ deleted: number; skippedActive: number }>;
  count(): Promise<number>;
  /** Journal rows of these attempts. */
  countFor(deploymentIds: readonly string[]): Promise<number>;
}

export interface DomainsRepo {
  /** Inserts; false when the name is already taken (by any resource). */
  insert(d: DomainRecord): Promise<boolean>;
  getByName(name: string): Promise<DomainRecord | undefined>;
  list(filter?: { resourceId?: string }): Promise<DomainRecord[]>;
  remove(id: string): Promise<void>;
  /**
   * Compare-and-set of the last observation: true when `seen` replaced `expected` (compared as
   * JSON), so only one observer writes the change's audit event.
   */
  setCertSeen(id: string, expected: CertificateObservation | null, seen: CertificateObservation): Promise<boolean>;
}

export interface StoreRepos extends GovernanceRepos {
  domains: DomainsRepo;
  projects: ProjectsRepo;
  environments: EnvironmentsRepo;
  resources: ResourcesRepo;
  servers: ServersRepo;
  tokens: TokensRepo;
  consoleSessions: ConsoleSessionsRepo;
  audit: AuditRepo;
  deployments: DeploymentsRepo;
  journal: JournalRepo;
}

export interface Store extends StoreRepos {
  readonly backend: 'pglite' | 'postgres';
  /** Runs fn in one transaction: all its writes land, or none. */
  transaction<T>(fn: (tx: StoreRepos) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  /** Row count of every table (diagnostics, and proving that reads change nothing). */
  countRows(): Promise<Record<string, number>>;
  close(): Promise<void>;
}
