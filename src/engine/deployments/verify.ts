import { BerthError } from '../../core/errors/berth-error.js';
import type { RuntimeRecord } from '../../core/deployments/deployment.js';
import type { HealthCheckPlan, Plan } from '../../core/plan/plan.js';
import type { ContainerEngine } from '../../ports/container-engine.js';
import type { HttpProber } from '../../ports/http-prober.js';
import { sleep } from './deadline.js';
import type { AttemptJournal } from './journal.js';
import type { EngineSettings } from './settings.js';

const RESTART_BUDGET = 3;
/** How long the app may listen on other ports only, before that counts as a port mismatch. */
const MISMATCH_GRACE_MS = 3_000;

async function exitedError(engine: ContainerEngine, id: string, service: string, exitCode: number | null): Promise<BerthError> {
  const logTail = (await engine.logsTail(id, 20).catch(() => '')).slice(-2000);
  return new BerthError('container_exited', `Service ${service} exited during verification.`, { service, exitCode, logTail });
}

/** Fails when a container exited or burned its restart budget. */
async function assertAlive(engine: ContainerEngine, id: string, service: string): Promise<boolean> {
  const state = await engine.inspect(id);
  if (!state) throw await exitedError(engine, id, service, null);
  if (state.restartCount >= RESTART_BUDGET) {
    const logTail = (await engine.logsTail(id, 20).catch(() => '')).slice(-2000);
    throw new BerthError('restart_exhausted', `Service ${service} restarted ${state.restartCount} times.`, { service, restartCount: state.restartCount, logTail });
  }
  // `restarting` means the process exited and the restart policy is waiting to start it again.
  if (state.status === 'exited' || state.status === 'dead' || state.status === 'restarting') throw await exitedError(engine, id, service, state.exitCode);
  return state.status === 'running';
}

/**
 * The engine failing while an attempt verifies is a verify failure: docker_error's catalogue
 * phase is execute, where most engine calls happen.
 */
async function inVerify<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BerthError && err.code === 'docker_error' && err.phase !== 'verify') throw new BerthError(err.code, err.message, err.details, 'verify');
    throw err;
  }
}

/** Every service must be `running` for N consecutive polls (PRODUCT.md: 5 without a healthcheck). */
export const verifyRunning = (engine: ContainerEngine, runtime: RuntimeRecord, s: EngineSettings, signal: AbortSignal): Promise<void> =>
  inVerify(() => runningStreak(engine, runtime, s, signal));

async function runningStreak(engine: ContainerEngine, runtime: RuntimeRecord, s: EngineSettings, signal: AbortSignal): Promise<void> {
  const streak = new Map(runtime.containers.map((c) => [c.id, 0]));
  while ([...streak.values()].some((n) => n < s.runningPolls)) {
    for (const c of runtime.containers) {
      if (streak.get(c.id)! >= s.runningPolls) continue;
      const running = await assertAlive(engine, c.id, c.service);
      streak.set(c.id, running ? streak.get(c.id)! + 1 : 0);
    }
    await sleep(s.pollMs, signal);
  }
}

/** Health policy over HTTP, straight to the container (before any traffic is switched). */
export const verifyHealth = (x: HealthInput): Promise<void> => inVerify(() => healthPolicy(x));

interface HealthInput {
  engine: ContainerEngine;
  prober: HttpProber;
  containerId: string;
  service: string;
  upstream: string;
  port: number;
  health: HealthCheckPlan;
  journal: AttemptJournal;
  signal: AbortSignal;
}

async function healthPolicy(x: HealthInput): Promise<void> {
  const deadline = Date.now() + x.health.timeoutSeconds * 1000;
  const url = `http://${x.upstream}${x.health.path}`;
  let mismatchSince: number | null = null;
  let last: { status?: number; error?: string } = {};
  let ports: number[] | undefined;
  while (Date.now() < deadline) {
    await assertAlive(x.engine, x.containerId, x.service);
    const answer = await x.prober.get(url, { timeoutMs: Math.min(5_000, x.health.timeoutSeconds * 1000) });
    if (answer.kind === 'response') {
      last = { status: answer.status };
      if (answer.status >= 300 && answer.status < 400) {
        throw new BerthError('health_check_redirected', 'The health path answered a redirect.', { path: x.health.path, status: answer.status, location: answer.location ?? null });
      }
      const ok = x.health.expectStatus ? answer.status === x.health.expectStatus : answer.status >= 200 && answer.status < 300;
      if (ok) {
        await x.journal.event('health', 'verify', { service: x.service, path: x.health.path, status: answer.status });
        return;
      }
    } else {
      last = { error: answer.code };
      ports = await x.engine.listeningPorts(x.containerId);
      if (ports && ports.length > 0 && !ports.includes(x.port)) {
        mismatchSince ??= Date.now();
        if (Date.now() - mismatchSince >= MISMATCH_GRACE_MS) {
          throw new BerthError('listener_port_mismatch', 'Nothing listens on the internal port.', { internalPort: x.port, listeningPorts: ports });
        }
      } else mismatchSince = null;
    }
    await sleep(x.health.intervalMs, x.signal);
  }
  // A process that died while we waited is a crash, not a slow health path.
  await assertAlive(x.engine, x.containerId, x.service);
  if (last.status !== undefined) {
    throw new BerthError('health_check_failed', 'The health path did not answer with success.', { path: x.health.path, status: last.status });
  }
  if (ports && ports.length > 0 && !ports.includes(x.port)) {
    throw new BerthError('listener_port_mismatch', 'Nothing listens on the internal port.', { internalPort: x.port, listeningPorts: ports });
  }
  throw new BerthError('health_check_timeout', 'The health path did not answer in time.', { path: x.health.path, timeoutSeconds: x.health.timeoutSeconds, lastError: last.error ?? null });
}

/** The routed service's container and its upstream address. */
export function routedContainer(plan: Plan, runtime: RuntimeRecord): { id: string; service: string; upstream: string } {
  const c = runtime.containers.find((x) => x.service === plan.routedService) ?? runtime.containers[0]!;
  return { id: c.id, service: c.service, upstream: `${c.ip}:${plan.internalPort}` };
}

/** Observes the access URL through the proxy, as a user would reach it. */
export async function verifyAccess(x: { prober: HttpProber; host: string; httpPort: number; url: string; health: HealthCheckPlan; signal: AbortSignal }): Promise<void> {
  const deadline = Date.now() + Math.max(5, Math.min(30, x.health.timeoutSeconds)) * 1000;
  let last: { status?: number; reason?: string } = {};
  while (Date.now() < deadline) {
    const answer = await x.prober.get(`http://127.0.0.1:${x.httpPort}${x.health.path}`, { timeoutMs: 5_000, host: x.host });
    if (answer.kind === 'response') {
      last = { status: answer.status };
      const ok = x.health.expectStatus ? answer.status === x.health.expectStatus : answer.status >= 200 && answer.status < 400;
      if (ok) return;
    } else last = { reason: answer.code };
    await sleep(200, x.signal);
  }
  throw new BerthError('access_url_unreachable', 'The access URL did not answer through the proxy.', { url: x.url, status: last.status ?? null, reason: last.reason ?? null });
}
