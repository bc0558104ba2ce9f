import { describe, expect, it } from 'vitest';
import { evaluateCandidate } from '../../../src/core/recovery/candidates.js';
import { attempt, plan, present, serving } from './fixtures.js';

describe('rollback candidates', () => {
  it('a retired succeeded attempt with its snapshot, plan and images is ready', () => {
    const d = attempt();
    expect(evaluateCandidate({ deployment: d, serverExists: true, images: present(d) }, undefined)).toMatchObject({ ready: true, serving: false, missing: [], warnings: [] });
  });

  it('names each gap: snapshot, environment, target, plan, artifact', () => {
    const d = attempt({ plan: null, snapshot: { ...attempt().snapshot, secretNames: undefined as never } });
    expect(evaluateCandidate({ deployment: d, serverExists: false, images: {} }, undefined).missing).toEqual(['environment', 'target', 'plan', 'artifact']);
    const noArtifact = attempt({ artifact: null });
    expect(evaluateCandidate({ deployment: noArtifact, serverExists: true, images: {} }, undefined).missing).toEqual(['artifact']);
  });

  it('an image the engine could not check counts as missing, and says so', () => {
    const d = attempt();
    const v = evaluateCandidate({ deployment: d, serverExists: true, images: { [d.artifact!.services[0]!.imageId]: null } }, undefined);
    expect(v.missing).toEqual(['artifact']);
    expect(v.images[0]!.present).toBeNull();
  });

  it('the serving attempt is never ready; a replaced one still draining is; volumes are a warning, not a block', () => {
    const draining = serving();
    expect(evaluateCandidate({ deployment: draining, serverExists: true, images: present(draining) }, 'dep_newer')).toMatchObject({ serving: false, ready: true });
    const live = serving();
    expect(evaluateCandidate({ deployment: live, serverExists: true, images: present(live) }, live.id)).toMatchObject({ serving: true, ready: false });
    const withVolume = attempt({ plan: { ...plan, services: [{ ...plan.services[0]!, volumes: [{ source: 'data', target: '/data', readOnly: false, type: 'volume' }] }] } });
    expect(evaluateCandidate({ deployment: withVolume, serverExists: true, images: present(withVolume) }, undefined)).toMatchObject({ ready: true, warnings: ['volumes-not-restored'] });
  });

  it('a candidate whose persistent volumes differ from the serving version needs a data rollback: blocked (volumes), not warned', () => {
    const withVolumes = (volumes: NonNullable<(typeof plan.services)[number]['volumes']>) => attempt({ plan: { ...plan, services: [{ ...plan.services[0]!, volumes }] } });
    const data = { source: 'data', target: '/data', readOnly: false, type: 'volume' as const };
    const live = { ...serving(), ...withVolumes([data]), id: 'dep_live' };
    const facts = (d: ReturnType<typeof attempt>) => ({ deployment: d, serverExists: true, images: present(d) });
    // Same volumes at the same place: it runs over today's data, which a rollback does not restore.
    expect(evaluateCandidate(facts(withVolumes([data])), live.id, live)).toMatchObject({ ready: true, missing: [], warnings: ['volumes-not-restored'] });
    // Another volume, another target, or a volume the serving version no longer has: blocked.
    for (const volumes of [[{ ...data, source: 'old_data' }], [{ ...data, target: '/var/data' }], [data, { ...data, source: 'uploads', target: '/u' }], [{ ...data, name: 'fixed' }]]) {
      expect(evaluateCandidate(facts(withVolumes(volumes)), live.id, live)).toMatchObject({ ready: false, missing: ['volumes'] });
    }
    // tmpfs and anonymous volumes hold no data to roll back.
    expect(evaluateCandidate(facts(withVolumes([data, { source: '', target: '/tmp', readOnly: false, type: 'tmpfs' }, { source: '', target: '/anon', readOnly: false, type: 'volume' }])), live.id, live).ready).toBe(true);
  });
});
