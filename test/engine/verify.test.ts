import { describe, expect, it } from 'vitest';
import { keepRunning, verifyAccess, verifyHealth, verifyRunning } from '../../src/engine/deployments/verify.js';
import { awaitDependency } from '../../src/engine/deployments/execute.js';
import type { ContainerState } from '../../src/ports/container-engine.js';
import type { Plan } from '../../src/core/plan/plan.js';
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
    await expect(verifyHealth({ engine: fakeEngine(), prober, containerId: 'c1', service: 'web', port: 80, health, journal, signal })).rejects.toMatchObject({
      code: 'health_check_timeout',
      details: { path: '/', timeoutSeconds: 1, lastError: 'ECONNREFUSED' },
    });
  });

  it('the listening ports are looked at once an interval, and once more when nothing answered: a policy shorter than its interval is still listener_port_mismatch', async () => {
    const prober = fakeProber(() => ({ kind: 'error', code: 'ECONNREFUSED' }));
    let looks = 0;
    const engine = fakeEngine({}, { listeningPorts: async () => (looks++, [8081]) });
    await expect(verifyHealth({ engine, prober, containerId: 'c1', service: 'web', port: 80, health: { path: '/', timeoutSeconds: 1, intervalMs: 5_000 }, journal, signal })).rejects.toMatchObject({
      code: 'listener_port_mismatch',
      details: { internalPort: 80, listeningPorts: [8081] },
    });
    // Dozens of refused probes in that second; one look at the ports, after the last.
    expect(looks).toBe(1);
  });

  it('an expected status other than 2xx is honoured', async () => {
    const prober = fakeProber(() => ({ kind: 'response', status: 401 }));
    await expect(verifyHealth({ engine: fakeEngine(), prober, containerId: 'c1', service: 'web', port: 80, health: { ...health, expectStatus: 401 }, journal, signal })).resolves.toBeUndefined();
  });

  it('an access URL that never answers through the proxy is access_url_unreachable', async () => {
    const prober = fakeProber(() => ({ kind: 'response', status: 502 }));
    await expect(verifyAccess({ prober, edgeHost: '127.0.0.1', host: 'web.production.localhost', httpPort: 8080, url: 'http://web.production.localhost:8080', health, signal })).rejects.toMatchObject({
      code: 'access_url_unreachable',
      phase: 'verify',
      details: { url: 'http://web.production.localhost:8080', status: 502 },
    });
  }, 15_000);

  /** An engine whose container goes through the given states, one per inspect, then stays in the last. */
  const sequence = (states: Partial<ContainerState>[]) => {
    let i = 0;
    return fakeEngine({}, { inspect: async (id) => ({ id, status: 'running', exitCode: null, restartCount: 0, health: null, labels: {}, ip: null, ...states[Math.min(i++, states.length - 1)] }) as ContainerState });
  };

  it('with a Docker healthcheck, healthy passes at once and unhealthy is container_unhealthy', async () => {
    const healthy = sequence([{ health: 'starting' }, { health: 'starting' }, { health: 'healthy' }]);
    await expect(verifyRunning(healthy, runtime, { ...settings, runningPolls: 50 }, signal)).resolves.toBeUndefined();
    const sick = sequence([{ health: 'starting' }, { health: 'unhealthy' }]);
    await expect(verifyRunning(sick, runtime, settings, signal)).rejects.toMatchObject({ code: 'container_unhealthy', phase: 'verify', details: { service: 'web' } });
    // The routed service is checked the same way while its health path is probed.
    const prober = fakeProber(() => ({ kind: 'error', code: 'ECONNREFUSED' }));
    await expect(verifyHealth({ engine: sequence([{ health: 'unhealthy' }]), prober, containerId: 'c1', service: 'web', port: 80, health, journal, signal })).rejects.toMatchObject({ code: 'container_unhealthy' });
  });

  it('a restart within the budget is journaled and the running count starts again; exits after it are still container_exited', async () => {
    const events: Record<string, unknown>[] = [];
    const recording = { event: async (_k: string, _p: string, data: Record<string, unknown>) => void events.push(data) } as unknown as AttemptJournal;
    const recovered = sequence([{ status: 'restarting', exitCode: 1, restartCount: 1 }, { restartCount: 1 }]);
    await expect(verifyRunning(recovered, runtime, settings, signal, { journal: recording })).resolves.toBeUndefined();
    expect(events).toEqual([{ step: 'restart', service: 'web', restartCount: 1, exitCode: 1 }]);
    const exitedAfter = sequence([{ status: 'restarting', exitCode: 1, restartCount: 1 }, { status: 'exited', exitCode: 0, restartCount: 1 }]);
    await expect(verifyRunning(exitedAfter, runtime, settings, signal)).rejects.toMatchObject({ code: 'container_exited', details: { exitCode: 0 } });
  });

  it('a container between restarts when the health policy runs out has crashed: container_exited', async () => {
    const prober = fakeProber(() => ({ kind: 'error', code: 'ECONNREFUSED' }));
    const engine = sequence([{ status: 'restarting', exitCode: 2, restartCount: 1 }]);
    await expect(verifyHealth({ engine, prober, containerId: 'c1', service: 'web', port: 80, health, journal, signal })).rejects.toMatchObject({ code: 'container_exited', details: { exitCode: 2 } });
  });

  const plan = (services: Plan['services']): Plan => ({ planner: 'compose', supportTier: 'supported', artifactKind: 'compose', evidence: [], commands: {}, services, routedService: 'web', internalPort: 80, health, networks: [], warnings: [] });
  const withMigrate = plan([
    { name: 'migrate', build: { kind: 'image', image: 'm' } },
    { name: 'web', build: { kind: 'image', image: 'w' }, dependsOn: ['migrate'], dependsOnCondition: { migrate: 'service_completed_successfully' } },
  ]);

  it('a one-shot service (service_completed_successfully) passes by exiting 0, and keeps no restart policy', async () => {
    const rt = { network: 'n', containers: [{ id: 'm1', name: 'm1', service: 'migrate', ip: '' }, { id: 'w1', name: 'w1', service: 'web', ip: '' }] };
    const engine = fakeEngine({}, { inspect: async (id) => ({ id, status: id === 'm1' ? 'exited' : 'running', exitCode: id === 'm1' ? 0 : null, restartCount: 0, health: null, labels: {}, ip: null }) });
    await expect(verifyRunning(engine, rt, settings, signal, { plan: withMigrate })).resolves.toBeUndefined();
    await expect(verifyRunning(engine, rt, settings, signal)).rejects.toMatchObject({ code: 'container_exited', details: { service: 'migrate', exitCode: 0 } });
    const policies: [string, string][] = [];
    await keepRunning(fakeEngine({}, { setRestartPolicy: async (id, p) => void policies.push([id, p]) }), { ...withMigrate, services: [withMigrate.services[0]!, { ...withMigrate.services[1]!, restart: 'always' }] }, rt);
    expect(policies).toEqual([['m1', 'no'], ['w1', 'always']]);
  });

  const wait = { service: 'web', dependency: 'db', containerId: 'd1', timeoutSeconds: 1, pollMs: 5, signal };

  it('service_healthy waits for healthy; unhealthy, an exit, no healthcheck and the time limit are dependency_unhealthy naming both services', async () => {
    await expect(awaitDependency(sequence([{ health: 'starting' }, { health: 'healthy' }]), { ...wait, condition: 'service_healthy' })).resolves.toBeUndefined();
    const cases: [Partial<ContainerState>, string][] = [
      [{ health: 'unhealthy' }, 'unhealthy'],
      [{ status: 'exited', exitCode: 1, health: 'starting' }, 'exited'],
      [{ health: null }, 'no-healthcheck'],
      [{ health: 'starting' }, 'timeout'],
    ];
    for (const [state, reason] of cases) {
      await expect(awaitDependency(sequence([state]), { ...wait, condition: 'service_healthy' }), reason).rejects.toMatchObject({ code: 'dependency_unhealthy', phase: 'execute', details: { service: 'web', dependency: 'db', reason } });
    }
  });

  it('service_completed_successfully waits for exit 0; another exit code or the time limit is dependency_failed', async () => {
    await expect(awaitDependency(sequence([{}, { status: 'exited', exitCode: 0 }]), { ...wait, condition: 'service_completed_successfully' })).resolves.toBeUndefined();
    await expect(awaitDependency(sequence([{ status: 'exited', exitCode: 4 }]), { ...wait, condition: 'service_completed_successfully' })).rejects.toMatchObject({ code: 'dependency_failed', phase: 'execute', details: { service: 'web', dependency: 'db', reason: 'exited', exitCode: 4 } });
    await expect(awaitDependency(sequence([{}]), { ...wait, condition: 'service_completed_successfully' })).rejects.toMatchObject({ code: 'dependency_failed', details: { reason: 'timeout' } });
  });
});
