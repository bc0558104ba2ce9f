// A recovery command may carry the `generatedAt` of the readiness its caller decided on. The
// decision is stale when the resource (same preview key) changed after that instant: a newer
// attempt was created, an attempt changed status, or the resource's profile or source changed.
// Heartbeats and journal steps are not changes; archiving is not either.

export interface ChangeFacts {
  /** Latest attempt creation or status change of the resource and preview key. */
  lastAttemptChangeAt: string | null;
  /** The resource's updatedAt (configure, relink). */
  resourceUpdatedAt: string;
}

export function lastChangeAt(f: ChangeFacts): string {
  const times = [f.resourceUpdatedAt, f.lastAttemptChangeAt].filter((t): t is string => t !== null);
  return times.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
}

/** True when something changed strictly after the readiness was generated. */
export function isStale(readinessGeneratedAt: string, f: ChangeFacts): boolean {
  return Date.parse(lastChangeAt(f)) > Date.parse(readinessGeneratedAt);
}
