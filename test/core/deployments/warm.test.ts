import { describe, expect, it } from 'vitest';
import type { Deployment, RuntimeRecord } from '../../../src/core/deployments/deployment.js';
import { isWarm, keepsWarm, runtimeOwner, warmExpired } from '../../../src/core/deployments/warm.js';
import { reclaimPlan } from '../../../src/core/diagnostics/reclaim-plan.js';
import type { Plan } from '../../../src/core/plan/plan.js';

// The warm rollback rules without Docker: which replaced version stays warm, when its window is
// open, and who owns containers whose label names an attempt that handed them over.

type Rec = Pick<Deployment, 'id' | 'runtime'>;
const rt = (over: Partial<RuntimeRecord> = {}): RuntimeRecord => ({ network: 'n', containers: [], ...over });
const now = new Date('2026-06-01T12:00:00.000Z');
const later = '2026-06-01T12:02:00.000Z';
const earlier = '2026-06-01T11:58:00.000Z';

describe('warm rollback rules', () => {
  it('keeps a replaced version warm only with a window and no persistent volume', () => {
    const plain = { plan: { services: [{ name: 'web' }] } as unknown as Plan };
    const withVolume = { plan: { services: [{ name: 'db', volumes: [{ type: 'volume', source: 'data', target: '/var/lib/data' }] }] } as unknown as Plan };
    expect([keepsWarm(120, plain), keepsWarm(0, plain), keepsWarm(120, withVolume)]).toEqual([true, false, false]);
  });

  it('is warm while the window is open and the runtime live; expired once it closed', () => {
    expect([isWarm({ runtime: rt({ warmUntil: later }) }, now), warmExpired({ runtime: rt({ warmUntil: later }) }, now)]).toEqual([true, false]);
    expect([isWarm({ runtime: rt({ warmUntil: earlier }) }, now), warmExpired({ runtime: rt({ warmUntil: earlier }) }, now)]).toEqual([false, true]);
    // Handed over (or retired): no longer warm, and nothing left for the expiry to retire.
    const handed = { runtime: rt({ warmUntil: earlier, retiredAt: earlier, handedOverTo: 'dep_r' }) };
    expect([isWarm(handed, now), warmExpired(handed, now)]).toEqual([false, false]);
    expect([isWarm({ runtime: rt() }, now), warmExpired({ runtime: rt() }, now)]).toEqual([false, false]);
  });

  it('follows handovers to the attempt that owns the containers now', async () => {
    const rows: Rec[] = [
      { id: 'dep_v1', runtime: rt({ retiredAt: earlier, handedOverTo: 'dep_r1' }) },
      { id: 'dep_r1', runtime: rt({ retiredAt: earlier, handedOverTo: 'dep_r2' }) },
      { id: 'dep_r2', runtime: rt() },
      { id: 'dep_loop', runtime: rt({ handedOverTo: 'dep_loop' }) },
      { id: 'dep_lost', runtime: rt({ handedOverTo: 'dep_gone' }) },
    ];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const get = (id: string) => byId.get(id);
    expect((await runtimeOwner('dep_v1', get))?.id).toBe('dep_r2');
    expect((await runtimeOwner('dep_r2', get))?.id).toBe('dep_r2');
    expect((await runtimeOwner('dep_loop', get))?.id).toBe('dep_loop');
    expect(await runtimeOwner('dep_lost', get)).toBeUndefined();
    expect(await runtimeOwner('dep_unknown', get)).toBeUndefined();
  });

  it('prune plans a handed-over container as its owner\'s: kept while the owner serves', () => {
    const labels = { 'dev.berth.managed': 'true', 'dev.berth.deployment': 'dep_v1' };
    const input = {
      retention: { roles: new Map([['dep_v1', 'reclaimable' as const], ['dep_r2', 'serving' as const]]), neededImageIds: new Set<string>() },
      artifactRefs: new Map<string, string>(),
      containers: [{ id: 'c1', name: 'c1', state: 'exited', imageId: 'sha256:x', labels, networks: ['berth-v1-default'], sizeBytes: 1 }],
      networks: [{ id: 'n1', name: 'berth-v1-default', labels }],
      images: [],
    };
    const without = reclaimPlan(input);
    expect([without.containers.map((c) => c.id), without.networks.map((n) => n.id)]).toEqual([['c1'], ['n1']]);
    const followed = reclaimPlan({ ...input, owners: new Map([['dep_v1', 'dep_r2']]) });
    expect([followed.containers, followed.networks, followed.kept.containers]).toEqual([[], [], { serving: 1 }]);
  });
});
