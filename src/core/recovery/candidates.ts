import type { Artifact, Deployment } from '../deployments/deployment.js';
import type { CandidateGap } from './reasons.js';
import { servingAmong } from '../deployments/serving.js';

// Rollback candidates: succeeded attempts of the same resource and preview key. The one serving
// now is listed (so a reader sees it) but is never selectable: rolling back to what already
// serves would change nothing. (A replaced version still draining is not serving: the route
// has moved on, so it is a candidate like any other.) A candidate is ready when it still has everything a rollback
// reuses: snapshot, environment snapshot, target identity, plan and every image in the engine.
// A rollback never restores data: a candidate that runs over the same persistent volumes as the
// version serving now is ready with a warning; one whose volumes differ would need their old
// data back (a data/volume rollback), so it is not ready ('volumes').

/** What the engine and the store say about one candidate, gathered by the caller. */
export interface CandidateFacts {
  deployment: Deployment;
  /** The candidate's server is still registered. */
  serverExists: boolean;
  /** Per image id: present in the engine, absent, or null when the engine could not say. */
  images: Record<string, boolean | null>;
}

export interface CandidateImage {
  service: string;
  image: string;
  imageId: string;
  present: boolean | null;
}

export interface CandidateView {
  deploymentId: string;
  createdAt: string;
  finishedAt: string | null;
  archived: boolean;
  serving: boolean;
  ready: boolean;
  missing: CandidateGap[];
  images: CandidateImage[];
  /** Not blocking: what a rollback will not bring back (volumes keep their current data). */
  warnings: 'volumes-not-restored'[];
}

export { isServing } from '../deployments/serving.js';

/** The id of the attempt serving now (the rule: core/deployments/serving.ts). */
export const servingOf = (succeededNewestFirst: Deployment[]): string | undefined => servingAmong(succeededNewestFirst)?.id;

export function snapshotGaps(d: Pick<Deployment, 'snapshot'>): CandidateGap[] {
  const s = d.snapshot as Partial<Deployment['snapshot']> | null;
  const gaps: CandidateGap[] = [];
  if (!s || !s.source || !s.runtime || !s.network || !s.health || !s.access) gaps.push('snapshot');
  if (!s || !Array.isArray(s.secretNames)) gaps.push('environment');
  if (!s?.target?.serverId) gaps.push('target');
  return gaps;
}

/** Images of an artifact with their presence; an artifact without images counts as missing. */
export function artifactImages(artifact: Artifact | null, images: Record<string, boolean | null>): CandidateImage[] {
  return (artifact?.services ?? []).map((s) => ({ service: s.name, image: s.image, imageId: s.imageId, present: images[s.imageId] ?? null }));
}

export const artifactComplete = (artifact: Artifact | null, images: CandidateImage[]): boolean =>
  Boolean(artifact) && images.length > 0 && images.length === artifact!.services.length && images.every((i) => i.present === true);

type PlanOf = Pick<Deployment, 'plan'>;

/** Persistent mounts per service (named volumes by engine name or compose name, binds by path): tmpfs and anonymous ones hold nothing. */
function persistentMounts(d: PlanOf): Map<string, string[]> {
  return new Map(
    (d.plan?.services ?? []).map((s) => [s.name, (s.volumes ?? []).filter((v) => v.type !== 'tmpfs' && (v.name ?? v.source) !== '').map((v) => `${v.type ?? 'volume'}:${v.name ?? v.source}:${v.target}`).sort()]),
  );
}

export const hasPersistentData = (d: PlanOf): boolean => [...persistentMounts(d).values()].some((m) => m.length > 0);

/** The candidate mounts persistent data the serving version does not mount the same way: bringing it back needs a data rollback. */
export function needsDataRollback(candidate: PlanOf, serving: PlanOf | undefined): boolean {
  if (!serving || !hasPersistentData(candidate)) return false;
  const now = persistentMounts(serving);
  return [...persistentMounts(candidate)].some(([service, mounts]) => mounts.length > 0 && mounts.join('\n') !== (now.get(service) ?? []).join('\n'));
}

/** servingId names the version serving now; `serving` is its record, when known, for the data rule. */
export function evaluateCandidate(f: CandidateFacts, servingId: string | undefined, serving?: PlanOf): CandidateView {
  const d = f.deployment;
  const images = artifactImages(d.artifact, f.images);
  const missing = snapshotGaps(d);
  if (!f.serverExists && !missing.includes('target')) missing.push('target');
  if (!d.plan) missing.push('plan');
  if (!artifactComplete(d.artifact, images)) missing.push('artifact');
  const isServingNow = d.id === servingId;
  if (!isServingNow && needsDataRollback(d, serving)) missing.push('volumes');
  const volumes = hasPersistentData(d);
  return {
    deploymentId: d.id,
    createdAt: d.createdAt,
    finishedAt: d.finishedAt,
    archived: d.archivedAt !== null,
    serving: isServingNow,
    ready: !isServingNow && d.status === 'succeeded' && missing.length === 0,
    missing,
    images,
    warnings: volumes ? ['volumes-not-restored'] : [],
  };
}
