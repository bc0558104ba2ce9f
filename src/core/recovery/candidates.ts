import type { Artifact, Deployment } from '../deployments/deployment.js';
import type { CandidateGap } from './reasons.js';
import { servingAmong } from '../deployments/serving.js';

// Rollback candidates: succeeded attempts of the same resource and preview key. The one serving
// now is listed (so a reader sees it) but is never selectable: rolling back to what already
// serves would change nothing. (A replaced version still draining is not serving: the route
// has moved on, so it is a candidate like any other.) A candidate is ready when it still has everything a rollback
// reuses: snapshot, environment snapshot, target identity, plan and every image in the engine.

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

export function evaluateCandidate(f: CandidateFacts, servingId: string | undefined): CandidateView {
  const d = f.deployment;
  const images = artifactImages(d.artifact, f.images);
  const missing = snapshotGaps(d);
  if (!f.serverExists && !missing.includes('target')) missing.push('target');
  if (!d.plan) missing.push('plan');
  if (!artifactComplete(d.artifact, images)) missing.push('artifact');
  const serving = d.id === servingId;
  const volumes = (d.plan?.services ?? []).some((s) => (s.volumes ?? []).some((v) => v.type !== 'tmpfs'));
  return {
    deploymentId: d.id,
    createdAt: d.createdAt,
    finishedAt: d.finishedAt,
    archived: d.archivedAt !== null,
    serving,
    ready: !serving && d.status === 'succeeded' && missing.length === 0,
    missing,
    images,
    warnings: volumes ? ['volumes-not-restored'] : [],
  };
}
