import { describe, expect, it } from 'vitest';
import { planPrune, rollbackTarget, type PruneFacts } from '../../../src/core/recovery/prune.js';
import { at, attempt, failed, serving } from './fixtures.js';

const old = (over = {}) => failed('health_check_failed', { archivedAt: at(2), finishedAt: at(1), ...over });
const facts = (over: Partial<PruneFacts>): PruneFacts => ({ cutoff: at(10), archived: [], rollbackTargets: new Set(), references: [], held: new Set(), ...over });

describe('deployment prune selection', () => {
  it('deletes archived terminal attempts older than the cutoff, nothing else', () => {
    const a = old();
    const recent = old({ finishedAt: at(20) });
    const unarchived = old({ archivedAt: null });
    const active = old({ status: 'running', finishedAt: null });
    const plan = planPrune(facts({ archived: [a, recent, unarchived, active] }));
    expect(plan.prune).toEqual([a.id]);
    expect(plan.retained.map((r) => r.reasons)).toEqual([['not-eligible'], ['not-eligible'], ['not-eligible']]);
  });

  it('keeps what serves, live runtimes and the rollback target', () => {
    const live = serving({ archivedAt: at(2) });
    const kept = old({ runtime: { network: 'n', containers: [] } });
    const target = attempt({ archivedAt: at(2) });
    const plan = planPrune(facts({ archived: [live, kept, target], rollbackTargets: new Set([target.id]) }));
    expect(plan.prune).toEqual([]);
    expect(plan.retained).toEqual([
      { id: live.id, reasons: ['serving'] },
      { id: kept.id, reasons: ['runtime-present'] },
      { id: target.id, reasons: ['rollback-target'] },
    ]);
  });

  it('a source named by a retained attempt stays; a chain pruned together goes together', () => {
    const a = old();
    const b = old({ sourceDeploymentId: a.id });
    const together = planPrune(facts({ archived: [a, b], references: [{ deploymentId: a.id, by: 'attempt', referrerId: b.id }] }));
    expect(together.prune).toEqual([a.id, b.id]);
    const c = old();
    const d = old({ sourceDeploymentId: c.id });
    const e = old({ sourceDeploymentId: d.id });
    // e is held, so d (its source) stays, so c (d's source) stays too: the fixed point.
    const chained = planPrune(facts({ archived: [c, d, e], held: new Set([e.id]), references: [{ deploymentId: c.id, by: 'attempt', referrerId: d.id }, { deploymentId: d.id, by: 'attempt', referrerId: e.id }] }));
    expect(chained.prune).toEqual([]);
    expect(chained.retained).toEqual([
      { id: e.id, reasons: ['legal-hold'] },
      { id: d.id, reasons: ['referenced'] },
      { id: c.id, reasons: ['referenced'] },
    ]);
  });

  it('provider job logs and work items keep the attempt they name', () => {
    const a = old();
    const b = old();
    const plan = planPrune(facts({ archived: [a, b], references: [{ deploymentId: a.id, by: 'provider-log', referrerId: 'provider_job_logs' }, { deploymentId: b.id, by: 'work-item', referrerId: 'wrk_1' }] }));
    expect(plan.prune).toEqual([]);
    expect(plan.retained.map((r) => r.reasons)).toEqual([['provider-log'], ['work-item']]);
  });

  it('the rollback target is the newest succeeded attempt that is not serving (a draining one counts)', () => {
    const live = serving();
    const prev = attempt();
    expect(rollbackTarget([live, prev, attempt()])).toBe(prev.id);
    const draining = serving();
    expect(rollbackTarget([live, draining, prev])).toBe(draining.id);
    expect(rollbackTarget([live])).toBeUndefined();
  });
});
