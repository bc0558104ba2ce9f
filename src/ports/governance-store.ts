import type { ChainRow, PruneGap } from '../core/audit/verify.js';
import type { LegalHold, LegalHoldStatus } from '../core/governance/legal-hold.js';
import type { RetentionCategory, RetentionDefault, RetentionScope } from '../core/governance/retention.js';
import type { WorkKind, WorkRecord, WorkStatus } from '../core/work/work-item.js';
import type { WorkSink } from '../core/work/track.js';

// History and governance repos of the state store (issue 5): audit reads and prunes, legal
// holds, retention defaults, provider job logs, the work ledger and sealed resource secrets.

/** A stored audit row: what the chain covers, plus its place and hashes. */
export type AuditRecord = ChainRow;

export interface AuditPage {
  aggregateId?: string;
  /** Window on created_at: from inclusive, to exclusive. */
  from?: string;
  to?: string;
}

export interface AuditPruneReport {
  /** Rows older than the cutoff. */
  matched: number;
  /** Of those, rows kept because an active legal hold matches their aggregate. */
  held: number;
  heldAggregates: { aggregateId: string; rows: number; holdIds: string[] }[];
  /** Rows deleted (0 on a dry run). */
  deleted: number;
  /** Prune runs recorded for verification (0 on a dry run). */
  gaps: number;
}

export interface AuditHistoryRepo {
  get(id: string): Promise<AuditRecord | undefined>;
  /** Rows in seq order with seq > afterSeq: keyset pages, so exports never hold more than one. */
  page(filter: AuditPage, afterSeq: number, limit: number): Promise<AuditRecord[]>;
  /** Every run deleted by prunes, for the chain walk. */
  gaps(): Promise<PruneGap[]>;
  /** Deletes rows older than the cutoff except those of aggregates under an active hold. */
  prune(before: string, opts: { dryRun: boolean; now: string }): Promise<AuditPruneReport>;
}

export interface LegalHoldsRepo {
  create(h: LegalHold): Promise<void>;
  get(id: string): Promise<LegalHold | undefined>;
  list(filter: { status?: LegalHoldStatus; aggregateId?: string }): Promise<LegalHold[]>;
  release(id: string, x: { at: string; by: string; reason: string }): Promise<void>;
}

export interface RetentionDefaultsRepo {
  upsert(r: RetentionDefault): Promise<void>;
  get(scope: RetentionScope, category: RetentionCategory): Promise<RetentionDefault | undefined>;
  list(scope?: RetentionScope): Promise<RetentionDefault[]>;
}

export interface ProviderJobLogEntry {
  provider: string;
  jobId?: string | null;
  deploymentId?: string | null;
  resourceId?: string | null;
  at: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

export interface StoredProviderJobLog extends Required<Omit<ProviderJobLogEntry, 'data'>> {
  seq: number;
  data: Record<string, unknown>;
}

export interface ProviderJobLogsRepo {
  /** Appends the lines of a provider job (pull, build, remote command) at once; data is redacted. */
  append(entries: readonly ProviderJobLogEntry[]): Promise<void>;
  /** The newest `limit` lines of one attempt's provider jobs, oldest first. */
  forDeployment(deploymentId: string, limit: number): Promise<{ entries: StoredProviderJobLog[]; total: number }>;
  /** One attempt's lines after `cursor` (a seq), oldest first: following a job while it runs. */
  after(deploymentId: string, cursor: number, limit: number): Promise<StoredProviderJobLog[]>;
  /** Deletes a job's oldest lines beyond its newest `keep`; returns how many went. */
  trimJob(deploymentId: string, jobId: string, keep: number): Promise<number>;
  prune(before: string, opts: { provider?: string; dryRun: boolean }): Promise<{ matched: number; deleted: number }>;
}

export interface WorkFilter {
  kind?: WorkKind;
  status?: readonly WorkStatus[];
  resourceId?: string;
  serverId?: string;
  limit: number;
}

export interface WorkRepo extends WorkSink {
  get(id: string): Promise<WorkRecord | undefined>;
  list(filter: WorkFilter): Promise<WorkRecord[]>;
}

/** Sealed values only: the store never sees a secret in clear. */
export interface ResourceSecretsRepo {
  put(resourceId: string, name: string, sealed: string, at: string): Promise<void>;
  remove(resourceId: string, name: string): Promise<boolean>;
  sealed(resourceId: string, names: readonly string[]): Promise<{ name: string; sealed: string }[]>;
  names(resourceId: string): Promise<{ name: string; updatedAt: string }[]>;
}

export interface GovernanceRepos {
  auditHistory: AuditHistoryRepo;
  legalHolds: LegalHoldsRepo;
  retentionDefaults: RetentionDefaultsRepo;
  providerJobLogs: ProviderJobLogsRepo;
  work: WorkRepo;
  resourceSecrets: ResourceSecretsRepo;
}
