import type { Evidence, Plan } from '../../core/plan/plan.js';
import type { PlanRequest } from '../../ports/sources.js';
import { blocked, explicit, inside, portMissing, readText, requireDir, singleServicePlan, unusedCommands } from './context.js';
import { lastExposedPort } from './dockerfile-text.js';

// The user's own Dockerfile: Berth builds it as is. The internal port comes from the network
// profile, else from the Dockerfile's last EXPOSE; an explicit start command replaces CMD. The
// build profile's args are the build's ARG values.

export const DEFAULT_DOCKERFILE = 'Dockerfile';

export async function planDockerfile(req: PlanRequest): Promise<Plan> {
  const dir = requireDir(req, 'dockerfile');
  const rel = req.runtime.dockerfile ?? DEFAULT_DOCKERFILE;
  const evidence: Evidence[] = [req.runtime.dockerfile !== undefined ? explicit('runtime.dockerfile') : { kind: 'file', detail: DEFAULT_DOCKERFILE }];
  const at = { fixPath: rel, overridePath: 'runtime.dockerfile', profileField: 'runtime.dockerfile' };
  if (inside(dir, rel) === undefined) {
    throw blocked('dockerfile_outside_source', 'runtime.dockerfile points outside the source.', { evidence, ...at });
  }
  const text = await readText(dir, rel);
  if (text === undefined) {
    throw blocked('dockerfile_missing', `There is no ${rel} in the source.`, { evidence: [{ kind: 'missing', detail: rel }], ...at });
  }

  let port = req.network.internalPort;
  if (port !== undefined) {
    evidence.push(explicit('network.internalPort'));
  } else {
    port = lastExposedPort(text);
    if (port === undefined) throw portMissing([...evidence, { kind: 'missing', detail: `${rel} EXPOSE` }]);
    evidence.push({ kind: 'config', detail: `${rel} EXPOSE ${port}` });
  }

  const start = req.runtime.startCommand || undefined;
  if (start) evidence.push(explicit('runtime.startCommand'));
  const args = req.build?.args && Object.keys(req.build.args).length > 0 ? req.build.args : undefined;
  if (args) evidence.push(explicit('build.args'));
  return singleServicePlan(req, {
    planner: 'dockerfile',
    supportTier: 'supported',
    evidence,
    commands: start ? { start } : {},
    build: { kind: 'dockerfile', contextDir: dir, dockerfile: rel, ...(args ? { args } : {}) },
    internalPort: port,
    ...(start ? { command: ['sh', '-c', start] } : {}),
    warnings: unusedCommands(req, ['installCommand', 'buildCommand'], 'dockerfile'),
  });
}
