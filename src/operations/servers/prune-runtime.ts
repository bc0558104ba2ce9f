import { z } from 'zod';
import { recordId } from '../id-input.js';
import { planCounts, type ReclaimPlan } from '../../core/diagnostics/reclaim-plan.js';
import type { Retention } from '../../core/diagnostics/retention.js';
import { toBerthError } from '../../core/errors/berth-error.js';
import type { ContainerEngine } from '../../ports/container-engine.js';
import { runPrune } from '../prune-run.js';
import { withTargetLock } from '../../engine/servers/target-lock.js';
import { defineOperation } from '../operation.js';
import { keepInput } from './capacity.js';
import { serverOf, targetOf } from '../lookup.js';
import { runtimeInventory } from './runtime-inventory.js';

// `berth server prune-runtime <id> [--dry-run false]`: removes Berth-labelled runtime objects
// that no serving attempt, active attempt or kept rollback candidate needs (the rule is in
// core/diagnostics/retention.ts and reclaim-plan.ts). Dry-run by default; the destructive run
// executes exactly the plan a dry run reports, so both report the same counts.

const counts = z.object({ containers: z.number(), networks: z.number(), images: z.number(), bytes: z.number() });
const record = z.record(z.string(), z.unknown());

const output = z.object({
  serverId: z.string(),
  dryRun: z.boolean(),
  keep: z.number(),
  counts,
  items: z.object({
    containers: z.array(z.object({ id: z.string(), name: z.string(), deploymentId: z.string(), bytes: z.number() })),
    networks: z.array(z.object({ id: z.string(), name: z.string(), deploymentId: z.string() })),
    /** depsKey: a node build's deps image (deploymentId is the attempt that installed it). */
    images: z.array(z.object({ imageId: z.string(), refs: z.array(z.string()), deploymentId: z.string(), untagOnly: z.boolean(), bytes: z.number(), depsKey: z.string().optional() })),
  }),
  kept: z.object({ containers: record, networks: record, images: record }),
  /** What the destructive run removed (null on a dry run). */
  removed: counts.nullable(),
  /** Planned removals that did not happen, each with a catalogued code (deployment_in_progress: needed again). */
  failures: z.array(z.object({ kind: z.enum(['container', 'network', 'image']), id: z.string(), code: z.string() })),
  /** The work item of a destructive run (null on a dry run). */
  workId: z.string().nullable(),
});

type Failure = z.infer<typeof output>['failures'][number];

/**
 * Containers first (they hold networks and images), then networks, then image tags. Before the
 * images, retention is read again: an attempt that started meanwhile (a rollback choosing an
 * older candidate) keeps what it needs, reported as a failure with deployment_in_progress. A
 * deps image goes only if the fresh plan still removes it (no build of its resource started).
 */
async function execute(engine: ContainerEngine, plan: ReclaimPlan, stillReclaimable: () => Promise<{ retention: Retention; plan: ReclaimPlan }>): Promise<{ removed: ReturnType<typeof planCounts>; failures: Failure[] }> {
  const failures: Failure[] = [];
  const removed = { containers: 0, networks: 0, images: 0, bytes: 0 };
  const attempt = async (kind: Failure['kind'], id: string, fn: () => Promise<void>): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (err) {
      failures.push({ kind, id, code: toBerthError(err, id).code });
      return false;
    }
  };
  for (const c of plan.containers) {
    if (await attempt('container', c.id, () => engine.remove(c.id))) {
      removed.containers++;
      removed.bytes += c.bytes;
    }
  }
  for (const n of plan.networks) if (await attempt('network', n.id, () => engine.removeNetwork(n.name))) removed.networks++;
  const { retention: now, plan: fresh } = await stillReclaimable();
  const freshDeps = new Set(fresh.images.filter((i) => i.depsKey !== undefined).map((i) => i.imageId));
  for (const i of plan.images) {
    const needed = i.depsKey !== undefined ? !freshDeps.has(i.imageId) : now.roles.get(i.deploymentId) !== 'reclaimable' || now.neededImageIds.has(i.imageId);
    if (needed) {
      failures.push({ kind: 'image', id: i.imageId, code: 'deployment_in_progress' });
      continue;
    }
    const ok = await attempt('image', i.imageId, async () => {
      for (const ref of i.refs) await engine.removeImage(ref);
    });
    if (ok) {
      removed.images++;
      removed.bytes += i.bytes;
    }
  }
  return { removed, failures };
}

export const pruneServerRuntime = defineOperation({
  name: 'servers.prune-runtime',
  kind: 'command',
  summary: 'Remove Berth-labelled runtime objects nothing needs (stopped containers, unused networks, images of attempts that are neither serving nor kept rollback candidates). Dry-run unless dryRun is false.',
  input: z.strictObject({
    id: recordId,
    dryRun: z.boolean().default(true).describe('false to remove; the default only reports'),
    keep: keepInput,
  }),
  output,
  errors: ['server_not_found', 'server_unsupported', 'docker_error', 'infra_error', 'ssh_unreachable', 'ssh_auth_failed', 'ssh_host_key_mismatch'],
  destructive: true,
  http: { method: 'POST', path: '/api/servers/{id}/prune-runtime' },
  cli: { words: ['server', 'prune-runtime'], positionals: ['id'] },
  handler: async ({ id, dryRun, keep }, ctx) => {
    const server = await serverOf(ctx, id);
    const target = targetOf(ctx, server);
    const { engine } = target;
    const { plan } = await runtimeInventory(ctx, server, engine, keep);
    const report = {
      serverId: id,
      dryRun,
      keep,
      counts: planCounts(plan),
      items: { containers: plan.containers, networks: plan.networks, images: plan.images },
      kept: plan.kept,
    };
    const result = await runPrune<{ removed: z.infer<typeof counts> | null; failures: Failure[] }>(ctx, {
      kind: 'runtime-prune',
      dryRun,
      serverId: id,
      details: { keep },
      audit: 'in-run',
      detailsOf: (r) => ({ ...r.removed, failures: r.failures.length }),
      run: async (dry) => {
        if (dry) return { removed: null, failures: [] };
        // A mutation on the server: under its lock, so no deploy's switch interleaves with it.
        const done = await withTargetLock({ store: ctx.store, target, server, correlationId: `runtime-prune:${id}`, actor: ctx.actor, log: () => undefined }, () =>
          execute(engine, plan, () => runtimeInventory(ctx, server, engine, keep)),
        );
        await ctx.store.audit.append({
          type: 'server.runtime-pruned',
          aggregateType: 'server',
          aggregateId: id,
          actor: ctx.actor,
          payload: { keep, planned: report.counts, removed: done.removed, failures: done.failures.length },
        });
        return done;
      },
    });
    return { ...report, ...result };
  },
});
