import type { Artifact, Deployment } from '../deployments/deployment.js';
import { isTerminal } from '../deployments/status.js';
import { isServing } from '../deployments/serving.js';

// Which attempts' runtime objects Berth must keep on a server (pruning never touches an artifact a
// rollback candidate still needs: docs/architecture.md, "Invariants"). The rule, per resource and preview key:
//
// - active:             an attempt that has not ended keeps everything (it may be building).
// - serving:            a succeeded attempt whose runtime was never retired keeps everything.
// - rollback-candidate: a succeeded, non-archived attempt, not serving, whose every artifact
//                       image is still in the engine. The `keep` most recent ones (by creation)
//                       keep their images; older ones are no longer offered for rollback.
// - rollback-source:    the attempt an active or serving attempt was made from (a rollback
//                       reuses its artifact; a retry reads its snapshot) keeps its images, and
//                       so does the artifact a rollback attempt's snapshot names.
// - reclaimable:        everything else that ended: failed, canceled, interrupted, rolled-back,
//                       archived, superseded beyond `keep`, or with an incomplete artifact.

export type RuntimeRole = 'active' | 'serving' | 'rollback-candidate' | 'rollback-source' | 'reclaimable';

export type AttemptFacts = Pick<Deployment, 'id' | 'resourceId' | 'preview' | 'status' | 'archivedAt' | 'createdAt' | 'runtime' | 'artifact' | 'sourceDeploymentId'> & {
  snapshot?: { rollback?: { candidateId: string; artifact: Artifact } };
};

export interface Retention {
  roles: Map<string, RuntimeRole>;
  /** Image ids no prune may remove: the artifacts of every attempt that is not reclaimable. */
  neededImageIds: Set<string>;
}

export const DEFAULT_KEEP_CANDIDATES = 3;

const keyOf = (d: AttemptFacts) => `${d.resourceId}|${d.preview ? `${d.preview.type}:${d.preview.id}` : ''}`;
const newestFirst = (a: AttemptFacts, b: AttemptFacts) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1);

function artifactPresent(d: AttemptFacts, imagePresent: (imageId: string) => boolean): boolean {
  const services = d.artifact?.services ?? [];
  return services.length > 0 && services.every((s) => imagePresent(s.imageId));
}

export function runtimeRetention(attempts: readonly AttemptFacts[], opts: { keep: number; imagePresent: (imageId: string) => boolean }): Retention {
  const roles = new Map<string, RuntimeRole>();
  const candidates = new Map<string, AttemptFacts[]>();
  for (const d of attempts) {
    if (!isTerminal(d.status)) roles.set(d.id, 'active');
    else if (isServing(d)) roles.set(d.id, 'serving');
    else if (d.status === 'succeeded' && !d.archivedAt && artifactPresent(d, opts.imagePresent)) {
      candidates.set(keyOf(d), [...(candidates.get(keyOf(d)) ?? []), d]);
    } else roles.set(d.id, 'reclaimable');
  }
  for (const group of candidates.values()) {
    group.sort(newestFirst).forEach((d, i) => roles.set(d.id, i < opts.keep ? 'rollback-candidate' : 'reclaimable'));
  }
  const neededImageIds = new Set<string>();
  for (const d of attempts) {
    const role = roles.get(d.id);
    if (role !== 'active' && role !== 'serving') continue;
    for (const source of [d.sourceDeploymentId, d.snapshot?.rollback?.candidateId]) {
      if (source && roles.get(source) === 'reclaimable') roles.set(source, 'rollback-source');
    }
    for (const s of d.snapshot?.rollback?.artifact.services ?? []) neededImageIds.add(s.imageId);
  }
  for (const d of attempts) {
    if (roles.get(d.id) !== 'reclaimable') for (const s of d.artifact?.services ?? []) neededImageIds.add(s.imageId);
  }
  return { roles, neededImageIds };
}
