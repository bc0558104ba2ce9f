import { describe, expect, it } from 'vitest';
import { HealthEvidence } from '../../src/engine/deployments/health-evidence.js';
import type { AttemptJournal } from '../../src/engine/deployments/journal.js';
import { DEFAULT_ENGINE_SETTINGS } from '../../src/engine/deployments/settings.js';
import { verifyHealth, verifyRunning } from '../../src/engine/deployments/verify.js';
import { allOrAbort } from '../../src/engine/deployments/deadline.js';
import type { ContainerState } from '../../src/ports/container-engine.js';
import { fakeEngine, fakeProber } from './fakes.js';

// A container without a Docker healthcheck whose health path answered is running at once: the
// 5-poll streak is only for what nothing checks. Polls here are 60 s apart, so a pass that waited
// for even one more poll would time the test out.
const journal = { event: async () => undefined } as unknown as AttemptJournal;
const slow = { ...DEFAULT_ENGINE_SETTINGS, workRoot: '/tmp', baseDomain: 'localhost', pollMs: 60_000, runningPolls: 5 };
const runtime = { network: 'n', containers: [{ id: 'c1', name: 'c1', service: 'web', ip: '10.0.0.1' }] };
const health = { path: '/', timeoutSeconds: 2, intervalMs: 20 };
const state = (over: Partial<ContainerState> = {}) => async (id: string) => ({ id, status: 'running', exitCode: null, restartCount: 0, health: null, labels: {}, ip: '10.0.0.1', ...over }) as ContainerState;

/** The two checks of verify side by side, as verify-phase runs them. */
async function verifyBoth(engine: ReturnType<typeof fakeEngine>, answer: Parameters<typeof fakeProber>[0], settings = slow): Promise<void> {
  const evidence = new HealthEvidence();
  await allOrAbort(new AbortController().signal, [
    (s) => verifyRunning(engine, runtime, settings, s, { evidence }),
    (s) => verifyHealth({ engine, prober: fakeProber(answer), containerId: 'c1', service: 'web', port: 80, health, journal, signal: s, evidence }),
  ]);
}

describe('running on the first successful health check', () => {
  it('a container without a Docker healthcheck is running once its health path answers: no streak of polls', async () => {
    const t0 = Date.now();
    await verifyBoth(fakeEngine({}, { inspect: state() }), () => ({ kind: 'response', status: 200 }));
    expect(Date.now() - t0).toBeLessThan(5_000);
  }, 10_000);

  it('without an answer the streak still decides, and a crash is still container_exited', async () => {
    const ev = new HealthEvidence();
    let polls = 0;
    const crashing = fakeEngine({}, { inspect: async (id) => ({ ...(await state()(id)), ...(++polls > 2 ? { status: 'exited' as const, exitCode: 3 } : {}) }) });
    await expect(verifyRunning(crashing, runtime, { ...slow, pollMs: 5 }, new AbortController().signal, { evidence: ev })).rejects.toMatchObject({ code: 'container_exited', details: { exitCode: 3 } });
    // A failing health path gives no evidence: health_check_failed, never running.
    await expect(verifyBoth(fakeEngine({}, { inspect: state() }), () => ({ kind: 'response', status: 500 }), { ...slow, pollMs: 5, runningPolls: 10_000 })).rejects.toMatchObject({ code: 'health_check_failed' });
  }, 10_000);

  it('an answer does not stand for a Docker healthcheck still starting, nor for a start after a restart', async () => {
    const ev = new HealthEvidence();
    ev.record('c1', 0);
    const starting = fakeEngine({}, { inspect: state({ health: 'starting' }) });
    const ac = new AbortController();
    const pending = verifyRunning(starting, runtime, slow, ac.signal, { evidence: ev });
    const late = await Promise.race([pending.then(() => 'passed'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);
    expect(late).toBe('waiting');
    ac.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    // Seen before a restart: the restarted process has not answered yet.
    expect(ev.holds('c1', 0)).toBe(true);
    expect(ev.holds('c1', 1)).toBe(false);
    const restarted = fakeEngine({}, { inspect: state({ restartCount: 1 }) });
    const ac2 = new AbortController();
    const waiting = verifyRunning(restarted, runtime, slow, ac2.signal, { evidence: ev });
    expect(await Promise.race([waiting.then(() => 'passed'), new Promise((r) => setTimeout(() => r('waiting'), 300))])).toBe('waiting');
    // The restarted process answers: running at once.
    ev.record('c1', 1);
    await expect(waiting).resolves.toBeUndefined();
  }, 10_000);
});
