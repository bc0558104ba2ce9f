import { fail } from '../../core/errors/berth-error.js';
import { newId } from '../../core/ids/ids.js';
import type { Actor, Environment } from '../../core/model/records.js';
import type { StoreRepos } from '../../ports/store.js';
import { insertAudited } from '../audited-insert.js';

export const DEFAULT_PROJECT = 'default';
export const DEFAULT_ENVIRONMENT = 'production';

/**
 * Where a new resource goes: an explicit environment id, or a project/environment by name,
 * created on first use (so `berth up` works on an empty installation).
 */
export async function resolveEnvironment(
  tx: StoreRepos,
  actor: Actor,
  now: Date,
  where: { environmentId?: string; project?: string; environment?: string },
): Promise<Environment> {
  if (where.environmentId) {
    return (await tx.environments.get(where.environmentId)) ?? fail('environment_not_found', 'No environment has this id.', { id: where.environmentId });
  }
  const createdAt = now.toISOString();
  const projectName = where.project ?? DEFAULT_PROJECT;
  const project =
    (await tx.projects.findByName(projectName)) ??
    (await insertAudited(tx, actor, { type: 'project.created', aggregateType: 'project' }, { id: newId('project'), name: projectName, createdAt }, (p) => tx.projects.create(p)));
  const envName = where.environment ?? DEFAULT_ENVIRONMENT;
  return (
    (await tx.environments.findByName(project.id, envName)) ??
    (await insertAudited(tx, actor, { type: 'environment.created', aggregateType: 'environment' }, { id: newId('environment'), projectId: project.id, name: envName, createdAt }, (e) => tx.environments.create(e)))
  );
}
