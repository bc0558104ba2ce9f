import { describe, expect, it } from 'vitest';
import { verifyAccess, verifyHealth, verifyRunning } from '../../src/engine/deployments/verify.js';
import { DEFAULT_ENGINE_SETTINGS } from '../../src/engine/deployments/settings.js';
import type { AttemptJournal } from '../../src/engine/deployments/journal.js';
import { fakeEngine, fakeProber } from './fakes.js';

const journal = { event: async () => undefined } as unknown as AttemptJournal;
const settings = { ...DEFAULT_ENGINE_SETTINGS, workRoot: '/tmp', baseDomain: 'localhost', pollMs: 5 };
const runtime = { network: 'n', containers: [{ id: 'c1', name: 'c1', service: 'web', ip: '10.0.0.1' }] };
const signal = new AbortController().signal;
const health = { path: '/', timeoutSeconds: 1, intervalMs: 20 };

describe('verify decisions', () => {
  it('a container that restarted 3 times is restart_exhausted', async () => {
    await expect(verifyRunning(fakeEngine({ restartCount: 3 }), runtime, settings, signal)).rejects.toMatchObject({ code: 'restart_exhausted', details: { service: 'web', restartCount: 3 } });
  });

  it('5 consecutive running polls pass; an exit in between is container_exited with its code', async () => {
    await expect(verifyRunning(fakeEngine(), runtime, settings, signal)).resolves.toBeUndefined();
    let polls = 0;
    const flaky = fakeEngine({}, { inspect: async (id) => ({ id, status: ++polls > 3 ? 'exited' : 'running', exitCode: polls > 3 ? 137 : null, restartCount: 0, health: null, labels: {}, ip: null }) });
    await expect(verifyRunning(flaky, runtime, settings, signal)).rejects.toMatchObject({ code: 'container_exited', details: { exitCode: 137 } });
  });

  it('no answer within the policy is health_check_timeout', async () => {
    const prober = fakeProber(() => ({ kind: 'error', code: 'ECONNREFUSED' }));
    await expect(verifyHealth({ engine: fakeEngine(), prober, containerId: 'c1', service: 'web', upstream: '10.0.0.1:80', port: 80, health, journal, signal })).rejects.toMatchObject({
      code: 'health_check_timeout',
      details: { path: '/', timeoutSeconds: 1, lastError: 'ECONNREFUSED' },
    });
  });

  it('an expected status other than 2xx is honoured', async () => {
    const prober = fakeProber(() => ({ kind: 'response', status: 401 }));
    await expect(verifyHealth({ engine: fakeEngine(), prober, containerId: 'c1', service: 'web', upstream: '10.0.0.1:80', port: 80, health: { ...health, expectStatus: 401 }, journal, signal })).resolves.toBeUndefined();
  });

  it('an access URL that never answers through the proxy is access_url_unreachable', async () => {
    const prober = fakeProber(() => ({ kind: 'response', status: 502 }));
    await expect(verifyAccess({ prober, host: 'web.production.localhost', httpPort: 8080, url: 'http://web.production.localhost:8080', health, signal })).rejects.toMatchObject({
      code: 'access_url_unreachable',
      phase: 'verify',
      details: { url: 'http://web.production.localhost:8080', status: 502 },
    });
  }, 15_000);
});
