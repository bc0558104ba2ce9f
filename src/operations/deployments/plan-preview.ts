import { z } from 'zod';
import { BerthError } from '../../core/errors/berth-error.js';
import { planBlock } from '../../core/plan/blocked-plan.js';
import { validationError } from '../../core/errors/validation.js';
import { defineOperation } from '../operation.js';
import { detectAndPlan } from '../../engine/deployments/detect-plan.js';
import type { MaterializedSource } from '../../ports/sources.js';
import { deployInput } from './deploy-input.js';
import { effectiveProfiles, findResource } from './resolve-target.js';
import { errorObjectOut } from './status-view.js';

const planOut = z.object({
  status: z.enum(['ready', 'blocked']),
  resourceId: z.string().nullable(),
  source: z.record(z.string(), z.unknown()).nullable(),
  plan: z.record(z.string(), z.unknown()).nullable(),
  blocked: z
    .object({
      phase: z.enum(['detect', 'plan']),
      code: z.string(),
      reasonCode: z.string(),
      evidence: z.array(z.unknown()),
      fixPath: z.string().nullable(),
      overridePath: z.string().nullable(),
      profileField: z.string().nullable(),
      error: errorObjectOut,
    })
    .nullable(),
});

export const planPreview = defineOperation({
  name: 'deployments.plan',
  kind: 'query',
  summary: 'Plan preview: run detect + plan only, and show the plan or why it is blocked. Creates nothing.',
  input: deployInput,
  output: planOut,
  errors: ['resource_not_found', 'environment_not_found'],
  destructive: false,
  http: { method: 'POST', path: '/api/deployments/plan' },
  cli: { words: ['deployment', 'plan'] },
  handler: async (input, ctx): Promise<z.infer<typeof planOut>> => {
    const existing = await findResource(ctx.store, input).catch((err) => {
      if (err instanceof BerthError && err.code === 'validation_failed' && input.source) return undefined;
      throw err;
    });
    const profiles = effectiveProfiles(existing, input);
    if (!profiles.source) throw validationError([{ code: 'invalid_input', path: 'source', message: 'The resource has no source: pass one.' }]);
    let source: MaterializedSource | undefined;
    try {
      // The same detect-and-plan as a deployment attempt: what is previewed is what runs.
      const io = { sources: ctx.deploy.sources, planner: ctx.deploy.planner, workRoot: ctx.deploy.workRoot, detected: (s: MaterializedSource) => void (source = s) };
      const planned = await detectAndPlan(io, { source: profiles.source, runtime: profiles.runtime, build: profiles.build, network: profiles.network, health: profiles.health, composeDocument: input.composeDocument });
      return { status: 'ready' as const, resourceId: existing?.id ?? null, source: { ...planned.source.summary }, plan: { ...planned.plan }, blocked: null };
    } catch (err) {
      const blocked = planBlock(err);
      if (!blocked) throw err;
      return { status: 'blocked' as const, resourceId: existing?.id ?? null, source: source ? { ...source.summary } : null, plan: null, blocked };
    } finally {
      await source?.dispose().catch(() => undefined);
    }
  },
});
