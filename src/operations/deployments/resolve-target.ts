import { fail } from '../../core/errors/berth-error.js';
import { buildProfile, healthProfile, runtimeProfile } from '../../core/model/profiles.js';
import { newId } from '../../core/ids/ids.js';
import type { Actor, Resource } from '../../core/model/records.js';
import type { StoreRepos } from '../../ports/store.js';
import { resolveEnvironment } from '../resources/placement.js';
import { validationError } from '../../core/errors/validation.js';
import type { DeployInput } from './deploy-input.js';
import { insertAudited } from '../audited-insert.js';
import { checkSourceChange, relinkPayload } from './source-change.js';

type Profiles = Pick<Resource, 'source' | 'runtime' | 'build' | 'network' | 'health' | 'access'>;

/** The profiles a deploy would use: the resource's, with what the caller sent on top. */
export function effectiveProfiles(existing: Resource | undefined, input: DeployInput): Profiles {
  return {
    source: input.source ?? existing?.source ?? null,
    runtime: input.runtime ?? existing?.runtime ?? runtimeProfile.parse({}),
    build: input.build ?? existing?.build ?? buildProfile.parse({}),
    network: input.network ?? existing?.network ?? {},
    health: input.health ?? existing?.health ?? healthProfile.parse({}),
    access: input.access ?? existing?.access ?? {},
  };
}

export function requireName(input: DeployInput): string {
  if (input.name) return input.name;
  throw validationError([{ code: 'invalid_input', path: 'name', message: 'Field is required when resourceId is not given.' }]);
}

/** Finds the resource without creating anything (plan preview). */
export async function findResource(tx: StoreRepos, input: DeployInput): Promise<Resource | undefined> {
  if (input.resourceId) return (await tx.resources.get(input.resourceId)) ?? fail('resource_not_found', 'No resource has this id.', { id: input.resourceId });
  const name = requireName(input);
  if (input.environmentId) {
    if (!(await tx.environments.get(input.environmentId))) fail('environment_not_found', 'No environment has this id.', { id: input.environmentId });
    return tx.resources.findByName(input.environmentId, name);
  }
  const project = await tx.projects.findByName(input.project ?? 'default');
  const env = project && (await tx.environments.findByName(project.id, input.environment ?? 'production'));
  return env ? tx.resources.findByName(env.id, name) : undefined;
}

/** Creates or reuses the resource, applying the profiles the caller sent (`berth up`). */
export async function upsertResource(tx: StoreRepos, actor: Actor, now: Date, input: DeployInput): Promise<Resource> {
  const existing = await findResource(tx, input);
  const profiles = effectiveProfiles(existing, input);
  const at = now.toISOString();
  if (!existing) {
    const env = await resolveEnvironment(tx, actor, now, input);
    const resource: Resource = { id: newId('resource'), projectId: env.projectId, environmentId: env.id, name: requireName(input), ...profiles, secretNames: [], createdAt: at, updatedAt: at };
    return insertAudited(tx, actor, { type: 'resource.created', aggregateType: 'resource' }, resource, (r) => tx.resources.create(r));
  }
  // A preview deploys a branch or pull request of the resource: its source differs by design.
  const relinked = !input.preview && checkSourceChange(existing, input.source, input.relink === true);
  const changed = (['source', 'runtime', 'build', 'network', 'health', 'access'] as const).filter((k) => input[k] !== undefined && JSON.stringify(input[k]) !== JSON.stringify(existing[k]));
  if (changed.length === 0) return existing;
  const next: Resource = { ...existing, ...profiles, updatedAt: at };
  await tx.resources.update(next);
  await tx.audit.append({ type: 'resource.updated', aggregateType: 'resource', aggregateId: next.id, actor, payload: { changed, ...Object.fromEntries(changed.map((k) => [k, next[k]])) } });
  if (relinked) await tx.audit.append({ type: 'resource.relinked', aggregateType: 'resource', aggregateId: next.id, actor, payload: relinkPayload(existing.source!, next.source!) });
  return next;
}
