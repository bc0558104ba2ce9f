import { describe, expect, it } from 'vitest';
import { reclaimPlan, type InventoryContainer, type InventoryImage } from '../../src/core/diagnostics/reclaim-plan.js';
import { runtimeRetention, type AttemptFacts } from '../../src/core/diagnostics/retention.js';

// The retention rule and the reclaim plan, without Docker: which attempts keep their runtime
// objects, and what a prune may remove.

let clock = 0;
function attempt(id: string, over: Partial<AttemptFacts> = {}): AttemptFacts {
  clock++;
  return {
    id,
    resourceId: 'res_a',
    preview: null,
    status: 'succeeded',
    archivedAt: null,
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)).toISOString(),
    runtime: { network: 'n', containers: [], retiredAt: '2026-01-02T00:00:00.000Z' },
    artifact: { kind: 'image', services: [{ name: 'web', image: `berth/a-web:${id}`, imageId: `sha256:${id}` }] },
    sourceDeploymentId: null,
    ...over,
  };
}
const all = () => true;
const managed = (deployment?: string) => ({ 'dev.berth.managed': 'true', ...(deployment ? { 'dev.berth.deployment': deployment } : {}) });

describe('runtime retention', () => {
  it('keeps serving, active and the newest N candidates; the rest is reclaimable', () => {
    const old1 = attempt('d1');
    const old2 = attempt('d2');
    const c1 = attempt('d3');
    const c2 = attempt('d4');
    const serving = attempt('d5', { runtime: { network: 'n', containers: [] } });
    const failed = attempt('d6', { status: 'failed' });
    const active = attempt('d7', { status: 'running', artifact: null });
    const r = runtimeRetention([old1, old2, c1, c2, serving, failed, active], { keep: 2, imagePresent: all });
    expect(Object.fromEntries(r.roles)).toEqual({ d1: 'reclaimable', d2: 'reclaimable', d3: 'rollback-candidate', d4: 'rollback-candidate', d5: 'serving', d6: 'reclaimable', d7: 'active' });
    expect([...r.neededImageIds].sort()).toEqual(['sha256:d3', 'sha256:d4', 'sha256:d5']);
  });

  it('archived attempts and attempts missing an image are not candidates and do not use a slot', () => {
    const kept = attempt('d1');
    const archived = attempt('d2', { archivedAt: '2026-02-01T00:00:00.000Z' });
    const broken = attempt('d3');
    const r = runtimeRetention([kept, archived, broken], { keep: 1, imagePresent: (id) => id !== 'sha256:d3' });
    expect(r.roles.get('d1')).toBe('rollback-candidate');
    expect(r.roles.get('d2')).toBe('reclaimable');
    expect(r.roles.get('d3')).toBe('reclaimable');
  });

  it('candidates are counted per resource and preview key', () => {
    const a = attempt('d1');
    const b = attempt('d2', { resourceId: 'res_b' });
    const p = attempt('d3', { preview: { type: 'pull-request', id: '1' } });
    const r = runtimeRetention([a, b, p], { keep: 1, imagePresent: all });
    expect([...r.roles.values()]).toEqual(['rollback-candidate', 'rollback-candidate', 'rollback-candidate']);
  });

  it('the artifact an active rollback reuses is kept even past N', () => {
    const old = attempt('d1');
    const newer = attempt('d2');
    const rolling = attempt('d3', { status: 'verifying', sourceDeploymentId: 'd1', snapshot: { rollback: { candidateId: 'd1', artifact: old.artifact! } } });
    const r = runtimeRetention([old, newer, rolling], { keep: 1, imagePresent: all });
    expect(r.roles.get('d1')).toBe('rollback-source');
    expect(r.neededImageIds.has('sha256:d1')).toBe(true);
  });
});

describe('reclaim plan', () => {
  const container = (id: string, deployment: string | undefined, state: string, over: Partial<InventoryContainer> = {}): InventoryContainer => ({
    id,
    name: id,
    state,
    imageId: 'sha256:other',
    labels: deployment === undefined ? {} : managed(deployment),
    networks: [],
    sizeBytes: 10,
    ...over,
  });
  const image = (id: string, repoTags: string[], labels: Record<string, string> = {}): InventoryImage => ({ id, repoTags, labels, sizeBytes: 100, sharedBytes: 40 });

  it('removes only what belongs to a known reclaimable attempt, and never a needed image', () => {
    const retention = runtimeRetention([attempt('d1', { status: 'failed' }), attempt('d2'), attempt('d3', { runtime: { network: 'n', containers: [] } })], { keep: 1, imagePresent: all });
    const plan = reclaimPlan({
      retention,
      artifactRefs: new Map([
        ['berth/a-web:d1', 'd1'],
        ['berth/a-web:d2', 'd2'],
        ['berth/a-web:d3', 'd3'],
      ]),
      containers: [
        container('c-stopped', 'd1', 'exited', { networks: ['net-d1'] }),
        container('c-running-leftover', 'd1', 'running'),
        container('c-serving', 'd3', 'running'),
        container('c-foreign', 'dep_unknown', 'exited'),
        container('c-unlabelled', undefined, 'exited'),
      ],
      networks: [
        { id: 'n1', name: 'net-d1', labels: managed('d1') },
        { id: 'n2', name: 'net-d3', labels: managed('d3') },
        { id: 'n3', name: 'plain', labels: {} },
      ],
      images: [
        image('sha256:d1', ['berth/a-web:d1'], managed('d1')),
        image('sha256:d2', ['berth/a-web:d2'], managed('d2')),
        image('sha256:d3', ['berth/a-web:d3'], managed('d3')),
        image('sha256:pulled', ['berth/a-web:d1x', 'nginx:1']),
        image('sha256:base', ['berth/static:1'], managed()),
        image('sha256:user', ['user/app:1']),
        image('sha256:foreign', ['berth/z-web:dep_unknown'], managed('dep_unknown')),
      ],
    });
    expect(plan.containers.map((c) => c.id)).toEqual(['c-stopped']);
    expect(plan.networks.map((n) => n.id)).toEqual(['n1']);
    expect(plan.images).toEqual([{ imageId: 'sha256:d1', refs: ['berth/a-web:d1'], deploymentId: 'd1', untagOnly: false, bytes: 60 }]);
    expect(plan.kept.containers).toEqual({ running: 1, serving: 1, foreign: 1 });
    expect(plan.kept.images).toEqual({ 'needed-image': 2, 'not-an-artifact': 1, foreign: 1 });
    expect(plan.bytes).toBe(70);
  });

  it('a pulled image named by other tags is only untagged, and an image in use is kept', () => {
    const retention = runtimeRetention([attempt('d1', { status: 'failed' }), attempt('d2', { status: 'failed' })], { keep: 1, imagePresent: all });
    const plan = reclaimPlan({
      retention,
      artifactRefs: new Map([
        ['berth/a-web:d1', 'd1'],
        ['berth/a-web:d2', 'd2'],
      ]),
      containers: [container('user-c', undefined, 'running', { imageId: 'sha256:d2' })],
      networks: [],
      images: [image('sha256:d1', ['berth/a-web:d1', 'nginx:1']), image('sha256:d2', ['berth/a-web:d2'], managed('d2'))],
    });
    expect(plan.images).toEqual([{ imageId: 'sha256:d1', refs: ['berth/a-web:d1'], deploymentId: 'd1', untagOnly: true, bytes: 0 }]);
    expect(plan.kept.images).toEqual({ 'in-use': 1 });
  });

  it('a network still used by a kept container stays', () => {
    const retention = runtimeRetention([attempt('d1', { status: 'failed' })], { keep: 1, imagePresent: all });
    const plan = reclaimPlan({
      retention,
      artifactRefs: new Map(),
      containers: [container('c1', undefined, 'running', { networks: ['net-d1'] })],
      networks: [{ id: 'n1', name: 'net-d1', labels: managed('d1') }],
      images: [],
    });
    expect(plan.networks).toEqual([]);
    expect(plan.kept.networks).toEqual({ 'in-use': 1 });
  });
});
