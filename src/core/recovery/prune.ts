import type { Deployment } from '../deployments/deployment.js';
import { isTerminal } from '../deployments/status.js';
import { isServing, servingOf } from './candidates.js';
import { hasLiveRuntime } from '../deployments/serving.js';

// Which archived attempts `deployments prune` may delete. Eligible: archived, terminal, ended
// (or created, when it never ran) before the cutoff. Retained, whatever the user archived:
// - serving:         it serves its resource now;
// - runtime-present: its containers were never retired (e.g. kept serving by the reconciler);
// - rollback-target: the newest succeeded attempt that is not serving (what rollback would use);
// - referenced:      an attempt that stays names it as its source (retry/rollback of it); a
//                    reference from an attempt pruned in the same run does not count, so
//                    chains go together;
// - provider-log / work-item: provider job log rows or operator work items still name it;
// - legal-hold:      an active legal hold covers it or its resource.

export const RETAIN_REASONS = ['not-eligible', 'serving', 'runtime-present', 'rollback-target', 'referenced', 'provider-log', 'work-item', 'legal-hold'] as const;
export type RetainReason = (typeof RETAIN_REASONS)[number];

export interface PruneReference {
  deploymentId: string;
  by: 'attempt' | 'provider-log' | 'work-item';
  referrerId: string;
}

export interface PruneFacts {
  cutoff: string;
  /** Archived attempts that may be old enough (the caller's query; checked again here). */
  archived: Deployment[];
  /** Ids of rollback targets: per resource and preview key, the newest non-serving succeeded attempt. */
  rollbackTargets: ReadonlySet<string>;
  /** What refers to the archived attempts. */
  references: readonly PruneReference[];
  /** Aggregate ids (attempts or resources) under an active legal hold. */
  held: ReadonlySet<string>;
}

export interface PrunePlan {
  prune: string[];
  retained: { id: string; reasons: RetainReason[] }[];
}

const endedAt = (d: Deployment) => d.finishedAt ?? d.createdAt;

export function eligible(d: Deployment, cutoff: string): boolean {
  return d.archivedAt !== null && isTerminal(d.status) && Date.parse(endedAt(d)) < Date.parse(cutoff);
}

/** Newest non-serving succeeded attempt of one resource and preview key (succeeded: newest first). */
export function rollbackTarget(succeeded: Deployment[]): string | undefined {
  const serving = servingOf(succeeded);
  return succeeded.find((d) => d.status === 'succeeded' && d.id !== serving)?.id;
}

export function planPrune(f: PruneFacts): PrunePlan {
  const retained = new Map<string, RetainReason[]>();
  const keep = (id: string, r: RetainReason) => retained.set(id, [...(retained.get(id) ?? []), r]);
  const set = new Set<string>();
  for (const d of f.archived) {
    if (!eligible(d, f.cutoff)) keep(d.id, 'not-eligible');
    else if (isServing(d)) keep(d.id, 'serving');
    else if (hasLiveRuntime(d)) keep(d.id, 'runtime-present');
    else if (f.rollbackTargets.has(d.id)) keep(d.id, 'rollback-target');
    else if (f.held.has(d.id) || f.held.has(d.resourceId)) keep(d.id, 'legal-hold');
    else set.add(d.id);
  }
  for (const r of f.references) {
    if (r.by !== 'attempt' && set.has(r.deploymentId)) {
      set.delete(r.deploymentId);
      keep(r.deploymentId, r.by);
    }
  }
  // Fixed point: dropping one attempt from the set may make its own source referenced.
  for (let changed = true; changed; ) {
    changed = false;
    for (const r of f.references) {
      if (r.by === 'attempt' && set.has(r.deploymentId) && !set.has(r.referrerId)) {
        set.delete(r.deploymentId);
        keep(r.deploymentId, 'referenced');
        changed = true;
      }
    }
  }
  return {
    prune: f.archived.map((d) => d.id).filter((id) => set.has(id)),
    retained: [...retained].filter(([id]) => !set.has(id)).map(([id, reasons]) => ({ id, reasons })),
  };
}
