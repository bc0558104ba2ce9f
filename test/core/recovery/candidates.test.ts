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
});
