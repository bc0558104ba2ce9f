import { fail } from '../../core/errors/berth-error.js';
import { newId } from '../../core/ids/ids.js';
import type { Actor, Environment } from '../../core/model/records.js';
import type { StoreRepos } from '../../ports/store.js';

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
  let project = await tx.projects.findByName(projectName);
  if (!project) {
    project = { id: newId('project'), name: projectName, createdAt };
    await tx.projects.create(project);
    await tx.audit.append({ type: 'project.created', aggregateType: 'project', aggregateId: project.id, actor, payload: project });
  }
  const envName = where.environment ?? DEFAULT_ENVIRONMENT;
  let env = await tx.environments.findByName(project.id, envName);
  if (!env) {
    env = { id: newId('environment'), projectId: project.id, name: envName, createdAt };
    await tx.environments.create(env);
    await tx.audit.append({ type: 'environment.created', aggregateType: 'environment', aggregateId: env.id, actor, payload: env });
  }
  return env;
}
