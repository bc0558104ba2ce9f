import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/store/open-store.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { runCli } from '../support/cli.js';
import { testStoreKind } from '../support/store.js';

// PGlite is single-process: a second `berth serve` on the same directory must be refused, and
// what the first wrote must survive.
describe.runIf(testStoreKind() === 'pglite')('embedded store lock', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  it('a second berth serve on the same data directory fails with state_store_locked; data is intact', async () => {
    const created = await runCli(['resource', 'create', 'keep-me', '--json'], plane.cliEnv);
    expect(created.code).toBe(0);
    const id = created.json<{ id: string }>().id;

    const second = await runCli(['serve', '--port', '0', '--json'], plane.cliEnv, { timeoutMs: 30_000 });
    expect(second.code).toBe(7);
    const err = second.json<{ error: { code: string; phase: string; details: { holderPid: number } } }>().error;
    expect(err.code).toBe('state_store_locked');
    expect(err.phase).toBe('startup');
    expect(err.details.holderPid).toBe(process.pid);

    // In-process too: the same process cannot open the store twice.
    await expect(openStore({ home: plane.settings.home })).rejects.toMatchObject({ code: 'state_store_locked' });

    const shown = await runCli(['resource', 'show', id, '--json'], plane.cliEnv);
    expect(shown.json<{ name: string }>().name).toBe('keep-me');
  });
});
