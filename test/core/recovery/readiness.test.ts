import { describe, expect, it } from 'vitest';
import { assessReadiness, type ReadinessFacts } from '../../../src/core/recovery/readiness.js';
import { attempt, failed, present, resource, serving } from './fixtures.js';

const facts = (over: Partial<ReadinessFacts> & Pick<ReadinessFacts, 'deployment'>): ReadinessFacts => ({
  resource: resource(),
  active: undefined,
  snapshotServerExists: true,
  snapshotImages: {},
  candidates: [],
  ...over,
});
const cand = (d: ReturnType<typeof attempt>, images = present(d)) => ({ deployment: d, serverExists: true, images });

describe('recovery readiness rules', () => {
  it('a transient failure can be retried and redeployed; rollback needs a candidate', () => {
    const r = assessReadiness(facts({ deployment: failed('image_pull_failed') }));
    expect(r.actions.retry).toEqual({ allowed: true, reasons: [] });
    expect(r.actions.redeploy).toEqual({ allowed: true, reasons: [] });
    expect(r.actions.rollback).toEqual({ allowed: false, reasons: ['no-candidate'] });
    expect(r.actions.cancel).toEqual({ allowed: false, reasons: ['attempt-ended'] });
    expect({ recoverable: r.recoverable, retryable: r.retryable, redeployable: r.redeployable, rollbackReady: r.rollbackReady }).toEqual({ recoverable: true, retryable: true, redeployable: true, rollbackReady: false });
  });

  it('an input failure blocks retry (same snapshot, same failure): fix and redeploy', () => {
    expect(assessReadiness(facts({ deployment: failed('health_check_failed') })).actions.retry.reasons).toEqual(['failure-needs-fix']);
  });

  it('canceled and interrupted attempts can be retried', () => {
    expect(assessReadiness(facts({ deployment: attempt({ status: 'canceled', runtime: null }) })).retryable).toBe(true);
    expect(assessReadiness(facts({ deployment: failed('deployment_interrupted', { status: 'interrupted' }) })).retryable).toBe(true);
  });

  it('a succeeded attempt is not retried; an active one is neither retried nor archived but can be canceled', () => {
    expect(assessReadiness(facts({ deployment: serving() })).actions.retry.reasons).toEqual(['attempt-succeeded']);
    const running = attempt({ status: 'running', currentPhase: 'execute' });
    const r = assessReadiness(facts({ deployment: running, active: running }));
    expect(r.actions.retry.reasons).toEqual(['active-attempt', 'attempt-not-ended']);
    expect(r.actions.cancel.allowed).toBe(true);
    expect(r.cancelFirst).toEqual({ required: true, activeDeploymentId: running.id });
    expect(r.recoverable).toBe(false);
  });

  it('another active attempt blocks every recovery and asks for a cancel first', () => {
    const other = attempt({ status: 'verifying' });
    const r = assessReadiness(facts({ deployment: failed('image_pull_failed'), active: other }));
    for (const a of ['retry', 'redeploy', 'rollback'] as const) expect(r.actions[a].reasons).toContain('active-attempt');
    expect(r.cancelFirst).toEqual({ required: true, activeDeploymentId: other.id });
  });

  it('retry needs a complete snapshot and its target', () => {
    const d = failed('image_pull_failed');
    expect(assessReadiness(facts({ deployment: d, snapshotServerExists: false })).actions.retry.reasons).toEqual(['target-missing']);
    const partial = failed('image_pull_failed', { snapshot: { ...d.snapshot, source: undefined as never } });
    expect(assessReadiness(facts({ deployment: partial })).actions.retry.reasons).toEqual(['snapshot-incomplete']);
  });

  it('retrying a rollback attempt needs its reused images', () => {
    const c = attempt();
    const d = failed('container_start_failed', { trigger: 'rollback', snapshot: { ...c.snapshot, rollback: { candidateId: c.id, fromDeploymentId: 'dep_x', plan: c.plan!, artifact: c.artifact!, sourceSummary: null } } });
    expect(assessReadiness(facts({ deployment: d, snapshotImages: present(c) })).retryable).toBe(true);
    expect(assessReadiness(facts({ deployment: d, snapshotImages: {} })).actions.retry.reasons).toEqual(['artifact-missing']);
  });

  it('redeploy is blocked when the current profile is missing, drifted or inadmissible', () => {
    const d = failed('health_check_failed');
    expect(assessReadiness(facts({ deployment: d, resource: resource({ source: null }) })).actions.redeploy.reasons).toEqual(['source-missing']);
    const drifted = assessReadiness(facts({ deployment: d, resource: resource({ runtime: { method: 'auto', legacy: true } as never }) }));
    expect(drifted.actions.redeploy.reasons).toEqual(['profile-drifted']);
    expect(drifted.redeployFields).toEqual(['runtime']);
    const bad = assessReadiness(facts({ deployment: d, resource: resource({ runtime: { method: 'image' } }) }));
    expect(bad.actions.redeploy.reasons).toEqual(['profile-inadmissible']);
    expect(bad.redeployFields).toEqual(['runtime.image']);
  });

  it('rollback candidates: the serving one is listed but not selectable; a candidate without its image is not ready', () => {
    const old = attempt();
    const live = serving();
    const d = failed('health_check_failed', { status: 'rolled-back' });
    const ready = assessReadiness(facts({ deployment: d, candidates: [cand(live), cand(old)] }));
    expect(ready.rollbackReady).toBe(true);
    expect(ready.candidates.map((c) => [c.deploymentId, c.serving, c.ready])).toEqual([
      [live.id, true, false],
      [old.id, false, true],
    ]);
    const gone = assessReadiness(facts({ deployment: d, candidates: [cand(live), cand(old, { [old.artifact!.services[0]!.imageId]: false })] }));
    expect(gone.actions.rollback.reasons).toEqual(['no-ready-candidate']);
    expect(gone.candidates[1]!.missing).toEqual(['artifact']);
    expect(assessReadiness(facts({ deployment: d, candidates: [cand(live)] })).actions.rollback.reasons).toEqual(['no-candidate']);
  });

  it('next actions are read-only and start where the failure points', () => {
    const verify = assessReadiness(facts({ deployment: failed('health_check_failed', { currentPhase: 'verify' }) })).nextActions;
    expect(verify.map((a) => a.kind)).toEqual(['logs', 'diagnose', 'events', 'detail']);
    expect(verify.every((a) => a.safeByDefault)).toBe(true);
    const detect = assessReadiness(facts({ deployment: failed('source_unreadable', { currentPhase: 'detect' }) })).nextActions;
    expect(detect[0]!.kind).toBe('detail');
  });
});
