// The vocabulary of recovery readiness: stable reason codes, closed sets, never message text.

export const RECOVERY_ACTIONS = ['retry', 'redeploy', 'rollback', 'cancel'] as const;
export type RecoveryAction = (typeof RECOVERY_ACTIONS)[number];

export const BLOCK_REASONS = [
  /** An attempt of the same resource and preview key is active: cancel it or wait. */
  'active-attempt',
  /** retry: this attempt has not ended yet. */
  'attempt-not-ended',
  /** retry: the attempt succeeded; there is nothing to retry (redeploy instead). */
  'attempt-succeeded',
  /** retry: the snapshot lacks source, profiles or target identity. */
  'snapshot-incomplete',
  /** retry: the server named by the snapshot is no longer registered. */
  'target-missing',
  /** retry of a rollback attempt: the reused artifact is no longer in the engine. */
  'artifact-missing',
  /** retry: the error asks for an input fix, so the same snapshot would fail the same way. */
  'failure-needs-fix',
  /** redeploy: the resource has no source bound (the profile is missing). */
  'source-missing',
  /** redeploy: a stored profile no longer satisfies the current profile schemas. */
  'profile-drifted',
  /** redeploy: the profile combines settings no planner can run. */
  'profile-inadmissible',
  /** rollback: no succeeded attempt other than the one serving. */
  'no-candidate',
  /** rollback: candidates exist but none is ready. */
  'no-ready-candidate',
  /** rollback: the chosen candidate is the version serving now. */
  'candidate-serving',
  /** cancel: the attempt already ended. */
  'attempt-ended',
] as const;
export type BlockReason = (typeof BLOCK_REASONS)[number];

/** What a rollback candidate lacks (snapshot, environment snapshot, target identity, artifact). */
export const CANDIDATE_GAPS = ['snapshot', 'environment', 'target', 'plan', 'artifact'] as const;
export type CandidateGap = (typeof CANDIDATE_GAPS)[number];

export interface Verdict {
  allowed: boolean;
  reasons: BlockReason[];
}

export const verdict = (reasons: (BlockReason | false | undefined | null)[]): Verdict => {
  const r = reasons.filter((x): x is BlockReason => Boolean(x));
  return { allowed: r.length === 0, reasons: r };
};
