import type { SourceProfile } from '../../core/model/profiles.js';
import type { Plan } from '../../core/plan/plan.js';
import type { MaterializedSource, PlanRequest, Planner, SourceReader } from '../../ports/sources.js';
import { withDeadline } from './deadline.js';

export interface DetectPlanInput extends Omit<PlanRequest, 'source'> {
  source: SourceProfile;
}

export interface DetectPlanIo {
  sources: SourceReader;
  planner: Planner;
  workRoot: string;
  /** Step deadlines (seconds) and the signal that aborts both steps; none for a preview. */
  deadlines?: { source: number; plan: number };
  signal?: AbortSignal;
  /**
   * Called once the source is read, before planning: the caller owns the source from then on
   * (it disposes it, and a blocked plan still shows what was read).
   */
  detected(source: MaterializedSource): Promise<void> | void;
}

const NO_DEADLINE = { source: 24 * 3600, plan: 24 * 3600 };

/**
 * Detect, then plan: the one function behind both `berth plan` (preview) and a deployment
 * attempt, so the plan a user previews is the plan the runner executes.
 */
export async function detectAndPlan(io: DetectPlanIo, input: DetectPlanInput): Promise<{ source: MaterializedSource; plan: Plan }> {
  const deadlines = io.deadlines ?? NO_DEADLINE;
  const signal = io.signal ?? new AbortController().signal;
  const source = await withDeadline('source', deadlines.source, signal, () => io.sources.materialize(input.source, io.workRoot));
  await io.detected(source);
  const plan = await withDeadline('plan', deadlines.plan, signal, () =>
    io.planner.plan({ source, runtime: input.runtime, build: input.build, network: input.network, health: input.health, composeDocument: input.composeDocument }),
  );
  return { source, plan };
}
