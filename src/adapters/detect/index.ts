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

const PLANNERS: Record<PlannerName, PlanFn> = {
  static: planStatic,
  node: planNode,
  dockerfile: planDockerfile,
  image: planImage,
  compose: planCompose,
};

export function createPlanner(): Planner {
  return {
    async plan(req) {
      const choice = await choosePlanner(req);
      const plan = await PLANNERS[choice.planner](req);
      return {
        ...plan,
        evidence: [...choice.evidence, ...plan.evidence],
        warnings: [...(req.source.warnings ?? []), ...plan.warnings],
      };
    },
  };
}
