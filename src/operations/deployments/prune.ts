import { z } from 'zod';
import type { Deployment } from '../../core/deployments/deployment.js';
import { planPrune, rollbackTarget } from '../../core/recovery/prune.js';
import type { StoreRepos } from '../../ports/store.js';
import { runPrune } from '../prune-run.js';
import { defineOperation } from '../operation.js';
import { pruneOut } from './recovery-views.js';

/** One run handles at most this many archived attempts; run it again for the rest. */
const BATCH = 1000;

const keyOf = (d: Deployment) => `${d.resourceId}|${d.preview?.type ?? ''}|${d.preview?.id ?? ''}`;

/** The prune decision, made from the store inside the caller's transaction (dry and real runs alike). */
async function decide(tx: StoreRepos, before: string) {
  const archived = await tx.deployments.archivedBefore(before, BATCH);
  const rollbackTargets = new Set<string>();
  const seen = new Map<string, Deployment>();
  for (const d of archived) seen.set(keyOf(d), d);
  for (const d of seen.values()) {
    const succeeded = await tx.deployments.list({ resourceId: d.resourceId, preview: d.preview, status: ['succeeded'], includeArchived: true, limit: 20 });
    const target = rollbackTarget(succeeded);
    if (target) rollbackTargets.add(target);
  }
  const references = await tx.deployments.references(archived.map((d) => d.id));
  const held = new Set((await tx.legalHolds.list({ status: 'active' })).map((h) => h.aggregateId));
  return { archived, plan: planPrune({ cutoff: before, archived, rollbackTargets, references, held }) };
}

export const pruneDeployments = defineOperation({
  name: 'deployments.prune',
  kind: 'command',
  summary:
    'Prune archived terminal attempts that ended before --before, with their journal rows; dry-run unless dryRun is false. Retains what still serves, the newest rollback target, and sources of retained attempts.',
  input: z.strictObject({
    before: z.iso.datetime({ offset: true }).describe('cutoff (ISO time): only attempts that ended before it'),
    dryRun: z.union([z.boolean(), z.stringbool()]).optional().describe('default true: report only'),
  }),
  output: pruneOut,
  errors: [],
  destructive: true,
  http: { method: 'POST', path: '/api/deployments/prune' },
  cli: { words: ['deployment', 'prune'] },
  handler: async ({ before, dryRun }, ctx) => {
    const dry = dryRun !== false;
    const cutoff = new Date(before).toISOString();
    // Decided and deleted in one transaction; each pruned attempt gets its own audit event.
    const run = (dryRun: boolean) =>
      ctx.store.transaction(async (tx) => {
        const { archived, plan } = await decide(tx, cutoff);
        const journalEvents = await tx.journal.countFor(plan.prune);
        if (!dryRun && plan.prune.length > 0) {
          const pruned = new Map(archived.map((d) => [d.id, d]));
          await tx.deployments.remove(plan.prune);
          for (const id of plan.prune) {
            const d = pruned.get(id)!;
            await tx.audit.append({ type: 'deployment.pruned', aggregateType: 'deployment', aggregateId: id, actor: ctx.actor, payload: { id, resourceId: d.resourceId, status: d.status, before: cutoff } });
          }
        }
        return { dryRun, before: cutoff, deployments: plan.prune.length, journalEvents, deploymentIds: plan.prune, retained: plan.retained };
      });
    return runPrune(ctx, {
      kind: 'deployment-prune',
      dryRun: dry,
      details: { before: cutoff },
      run,
      audit: 'in-run',
      detailsOf: (r) => ({ deployments: r.deployments, journalEvents: r.journalEvents }),
    });
  },
});
