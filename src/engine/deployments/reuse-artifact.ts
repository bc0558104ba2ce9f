import { BerthError } from '../../core/errors/berth-error.js';
import type { Artifact, RollbackIntent } from '../../core/deployments/deployment.js';
import type { TargetRuntime } from '../../ports/deploy-runtime.js';
import type { AttemptJournal } from './journal.js';

/**
 * A rollback's artifact is the candidate's: every image must still be in the engine (no build,
 * no pull). Its tag is put back when only the tag was removed, so the containers start from
 * the same reference the candidate ran.
 */
export async function reuseArtifact(x: { intent: RollbackIntent; target: TargetRuntime; journal: AttemptJournal }): Promise<Artifact> {
  const { engine } = x.target;
  const services = x.intent.artifact.services;
  const missing: { service: string; image: string; imageId: string }[] = [];
  for (const s of services) if (!(await engine.imageId(s.imageId))) missing.push({ service: s.name, image: s.image, imageId: s.imageId });
  if (missing.length > 0 || services.length === 0) {
    throw new BerthError('rollback_candidate_not_ready', 'An image of the rollback candidate is no longer in the engine.', { candidateId: x.intent.candidateId, missing: ['artifact'], images: missing }, 'execute');
  }
  for (const s of services) if ((await engine.imageId(s.image)) !== s.imageId) await engine.tagImage(s.imageId, s.image);
  await x.journal.event('step', 'execute', { step: 'reuse-artifact', candidateId: x.intent.candidateId, images: services.map((s) => ({ service: s.name, image: s.image, imageId: s.imageId })) });
  return x.intent.artifact;
}
