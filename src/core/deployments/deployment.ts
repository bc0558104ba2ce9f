import type { ErrorObject } from '../errors/types.js';
import type { AccessProfile, BuildProfile, HealthProfile, NetworkProfile, RuntimeProfile, SourceProfile } from '../model/profiles.js';
import type { Plan } from '../plan/plan.js';
import type { DeploymentStatus, LifecyclePhase } from './status.js';

/** The frozen intent of an attempt: what it reads, never changed after creation. */
export interface DeploymentSnapshot {
  source: SourceProfile;
  runtime: RuntimeProfile;
  /** Absent in attempts recorded before build profiles existed: the planners use the defaults. */
  build?: BuildProfile;
  network: NetworkProfile;
  health: HealthProfile;
  access: AccessProfile;
  /** Folded compose document sent by the client (env_file already resolved). */
  composeDocument?: string;
  /** Names of secret env vars (values stay in the secret store). */
  secretNames: string[];
  target: { serverId: string; serverName: string };
  /** Set on rollback attempts: the candidate's plan and artifact, reused as they are (no build, no pull, no re-plan). */
  rollback?: RollbackIntent;
}

export interface RollbackIntent {
  candidateId: string;
  /** The attempt the user recovered from when asking for the rollback. */
  fromDeploymentId: string;
  plan: Plan;
  artifact: Artifact;
  sourceSummary: SourceSummaryRecord | null;
}

export interface SourceSummaryRecord {
  kind: string;
  location: string;
  gitRef?: string;
  commit?: string;
  baseDirectory?: string;
  image?: string;
}

/** What the attempt produced: the images rollback reuses. */
export interface Artifact {
  kind: 'image' | 'compose';
  services: { name: string; image: string; imageId: string }[];
}

export interface RuntimeRecord {
  network: string;
  /** Every network the attempt created (removed with its containers). */
  networks?: string[];
  containers: { id: string; name: string; service: string; ip: string }[];
  routedUpstream?: string;
  /**
   * Set when this record stopped owning running containers: they were stopped (replaced by a
   * newer version, or the attempt ended), or handed over to a warm rollback (`handedOverTo`).
   */
  retiredAt?: string;
  /**
   * Replaced, but kept running until then (BERTH_ROLLBACK_WARM_SECONDS): a rollback to it inside
   * the window takes these containers over; the reconciler retires it once the time has passed.
   */
  warmUntil?: string;
  /**
   * The rollback attempt that took these containers over (set with `retiredAt`). Their labels
   * still name this attempt: who owns them now is read through this (core/deployments/warm.ts).
   */
  handedOverTo?: string;
}

export type DeploymentTrigger = 'deploy' | 'retry' | 'redeploy' | 'rollback' | 'preview';

export interface Deployment {
  id: string;
  resourceId: string;
  projectId: string;
  environmentId: string;
  serverId: string;
  trigger: DeploymentTrigger;
  status: DeploymentStatus;
  currentPhase: LifecyclePhase;
  preview: { type: string; id: string } | null;
  snapshot: DeploymentSnapshot;
  sourceSummary: SourceSummaryRecord | null;
  plan: Plan | null;
  artifact: Artifact | null;
  runtime: RuntimeRecord | null;
  accessUrl: string | null;
  error: ErrorObject | null;
  recoveryHint: string | null;
  heartbeatAt: string | null;
  owner: string | null;
  eventsPrunedThrough: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  archivedAt: string | null;
  sourceDeploymentId: string | null;
}

export interface JournalEvent {
  seq: number;
  deploymentId: string;
  at: string;
  kind: 'status' | 'phase' | 'step' | 'log' | 'health' | 'error' | 'heartbeat-note';
  phase: LifecyclePhase | null;
  data: Record<string, unknown>;
}
