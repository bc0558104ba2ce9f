import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/store/open-store.js';
import { canTransition, DEPLOYMENT_STATUSES, IllegalStatusTransition } from '../../src/core/deployments/status.js';
import { AttemptJournal } from '../../src/engine/deployments/journal.js';
import { upsertResource } from '../../src/operations/deployments/resolve-target.js';
import { createAttempt } from '../../src/operations/deployments/start-attempt.js';
import type { Store } from '../../src/ports/store.js';
import { freshStore } from '../support/store.js';

// The status lifecycle is enforced where statuses change (the store's compare-and-set, which
// the journal writes through): every pair canTransition refuses raises and writes nothing.
describe('journal enforces the status lifecycle', () => {
  let store: Store;
  let id: string;
  beforeAll(async () => {
    store = await openStore(await freshStore());
    const actor = { kind: 'system' as const, id: 'test' };
    id = (
      await store.transaction(async (tx) => {
        const resource = await upsertResource(tx, actor, new Date(), { name: 'lifecycle', source: { kind: 'image', location: 'x:1' } });
        return createAttempt(tx, actor, new Date(), { resource, trigger: 'deploy', snapshot: { source: resource.source!, runtime: resource.runtime, network: resource.network, health: resource.health, access: resource.access } });
      })
    ).id;
  });
  afterAll(async () => store?.close());

  const pairs = DEPLOYMENT_STATUSES.flatMap((from) => DEPLOYMENT_STATUSES.map((to) => ({ from, to })));
  const illegal = pairs.filter((p) => !canTransition(p.from, p.to));
  const legal = pairs.filter((p) => canTransition(p.from, p.to));

  it('walks every illegal pair: each raises, the row and the journal stay as they were', async () => {
    expect(illegal.length).toBeGreaterThan(80);
    const journal = new AttemptJournal(store, id);
    for (const { from, to } of illegal) {
      await store.deployments.update(id, { status: from });
      const before = (await store.journal.after(id, 0, 10_000)).length;
      const attempt = journal.transition([from], { status: to, currentPhase: 'verify' });
      await expect(attempt, `${from} -> ${to}`).rejects.toBeInstanceOf(IllegalStatusTransition);
      await expect(attempt).rejects.toMatchObject({ from, to });
      const after = await store.deployments.get(id);
      expect({ pair: `${from} -> ${to}`, status: after!.status }).toEqual({ pair: `${from} -> ${to}`, status: from });
      expect((await store.journal.after(id, 0, 10_000)).length).toBe(before);
    }
  });

  it('every legal pair moves', async () => {
    const journal = new AttemptJournal(store, id);
    for (const { from, to } of legal) {
      await store.deployments.update(id, { status: from });
      expect(await journal.transition([from], { status: to }), `${from} -> ${to}`).toBe(true);
      expect((await store.deployments.get(id))!.status).toBe(to);
    }
  });

  it('a compare-and-set naming an illegal source among legal ones raises too', async () => {
    await store.deployments.update(id, { status: 'verifying' });
    await expect(new AttemptJournal(store, id).transition(['created', 'verifying'], { status: 'rolled-back' })).rejects.toMatchObject({ from: 'created', to: 'rolled-back' });
    expect((await store.deployments.get(id))!.status).toBe('verifying');
  });
});
