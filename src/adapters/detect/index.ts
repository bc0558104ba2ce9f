import type { PlannerName } from '../../core/plan/plan.js';
import type { Planner } from '../../ports/sources.js';
import { planCompose } from './compose.js';
import type { PlanFn } from './context.js';
import { choosePlanner } from './detect.js';
import { planDockerfile } from './dockerfile.js';
import { planImage } from './image.js';
import { planNode } from './node.js';
import { planStatic } from './static.js';

// The Planner port: detect (choose a planner) then plan. Reads files of the materialised source
// only; never the engine or the proxy, which is what lets `berth plan` preview safely.

const PLANNERS = (opts: PlannerOptions): Record<PlannerName, PlanFn> => ({
  static: planStatic,
  node: (req) => planNode(req, opts.hostNodeVersion !== undefined ? { hostNodeVersion: opts.hostNodeVersion } : {}),
  dockerfile: planDockerfile,
  image: planImage,
  compose: planCompose,
});

export interface PlannerOptions {
  /** Host ports of the edge proxy (edgePorts in core/compose/checks.ts). */
  edgePorts?: readonly number[];
  /** The Node.js version whose major the node images carry besides Debian's; `process.version` unless set (tests). */
  hostNodeVersion?: string;
}

export function createPlanner(opts: PlannerOptions = {}): Planner {
  const planners = PLANNERS(opts);
  return {
    async plan(request) {
      const req = { ...(opts.edgePorts ? { edgePorts: opts.edgePorts } : {}), ...request };
      const choice = await choosePlanner(req);
      const plan = await planners[choice.planner](req);
      // network.service picks a compose service; one-service plans have nothing to pick.
      const ignored = req.network.service !== undefined && plan.planner !== 'compose' ? ['network.service applies to compose stacks only and is ignored.'] : [];
      return {
        ...plan,
        evidence: [...choice.evidence, ...plan.evidence],
        warnings: [...(req.source.warnings ?? []), ...plan.warnings, ...ignored],
      };
    },
  };
}
