import type { Evidence, Plan } from '../../core/plan/plan.js';
import type { PlanRequest } from '../../ports/sources.js';
import { blocked, explicit, portMissing, singleServicePlan, unusedCommands } from './context.js';

// A prebuilt image (an image source, or runtime.image on any source): nothing is built. The
// planner never asks the engine what the image exposes (planning touches no Docker), so the
// internal port must come from the network profile.

export async function planImage(req: PlanRequest): Promise<Plan> {
  const image = req.runtime.image || req.source.summary.image;
  if (!image) {
    throw blocked('image_missing', 'The image planner needs runtime.image or an image source.', {
      evidence: [{ kind: 'missing', detail: 'runtime.image' }],
      fixPath: '.',
      overridePath: 'runtime.image',
      profileField: 'runtime.image',
    });
  }
  const evidence: Evidence[] = [req.runtime.image ? explicit('runtime.image') : { kind: 'source', detail: 'image' }];
  const port = req.network.internalPort;
  if (port === undefined) throw portMissing(evidence);
  evidence.push(explicit('network.internalPort'));
  const start = req.runtime.startCommand || undefined;
  if (start) evidence.push(explicit('runtime.startCommand'));
  return singleServicePlan(req, {
    planner: 'image',
    supportTier: 'supported',
    evidence,
    commands: start ? { start } : {},
    build: { kind: 'image', image },
    internalPort: port,
    ...(start ? { command: ['sh', '-c', start] } : {}),
    warnings: unusedCommands(req, ['installCommand', 'buildCommand'], 'image'),
  });
}
