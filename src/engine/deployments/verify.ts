import { BerthError } from '../../core/errors/berth-error.js';
import type { RuntimeRecord } from '../../core/deployments/deployment.js';
import type { HealthCheckPlan, Plan, RestartPolicy, ServicePlan } from '../../core/plan/plan.js';
import type { ContainerEngine, ContainerState } from '../../ports/container-engine.js';
import type { HttpProber } from '../../ports/http-prober.js';
import { ramp } from '../../core/time/delay.js';
import { sleep } from './deadline.js';
import type { HealthEvidence } from './health-evidence.js';
import type { AttemptJournal } from './journal.js';
import type { EngineSettings } from './settings.js';

/**
 * Restarts a service may use while it is verified (3 consecutive restarts, then
 * failed). Containers run with `on-failure:<budget>` meanwhile, so Docker counts them.
 */
export const VERIFY_RESTART_BUDGET = 3;
/** How long the app may listen on other ports only, before that counts as a port mismatch. */
const MISMATCH_GRACE_MS = 3_000;
/** The pause after the first refused health probe; each next one doubles, up to the policy's interval. */
const FIRST_PROBE_PAUSE_MS = 10;

/** Services that others wait on to finish (`service_completed_successfully`): exit 0 is their success. */
export function oneShotServices(plan: Plan): Set<string> {
  const names = new Set<string>();
  for (const s of plan.services) {
    for (const [dep, condition] of Object.entries(s.dependsOnCondition ?? {})) if (condition === 'service_completed_successfully') names.add(dep);
  }
  return names;
}

/**
 * The restart policy while verifying: bounded, so a crash loop ends in restart_exhausted. A
 * service that asked for no restarts, or a one-shot one that asked for nothing, gets none: its
 * first exit is final (container_exited).
 */
export function verifyRestartPolicy(service: ServicePlan, oneShot: boolean): RestartPolicy {
  if (service.restart === 'no' || (oneShot && service.restart === undefined)) return 'no';
  return `on-failure:${VERIFY_RESTART_BUDGET}`;
}

/** The restart policy once verified: the compose one as written, else Berth's (keep it running). */
export function servingRestartPolicy(service: ServicePlan, oneShot: boolean): RestartPolicy {
  return service.restart ?? (oneShot ? 'no' : 'unless-stopped');
}

/** Verified: from now on the engine restarts each container as its service asked. */
export async function keepRunning(engine: ContainerEngine, plan: Plan, runtime: RuntimeRecord): Promise<void> {
  const oneShot = oneShotServices(plan);
  for (const c of runtime.containers) {
    const service = plan.services.find((s) => s.name === c.service);
    await engine.setRestartPolicy(c.id, service ? servingRestartPolicy(service, oneShot.has(service.name)) : 'unless-stopped');
  }
}

async function logTailOf(engine: ContainerEngine, id: string): Promise<string> {
  return (await engine.logsTail(id, 20).catch(() => '')).slice(-2000);
}

async function exitedError(engine: ContainerEngine, id: string, service: string, exitCode: number | null): Promise<BerthError> {
  return new BerthError('container_exited', `Service ${service} exited during verification.`, { service, exitCode, logTail: await logTailOf(engine, id) });
}

/** What one look at a container says: up (running), waiting (starting, or between restarts), or done (a one-shot that succeeded). */
type Liveness = { kind: 'up'; state: ContainerState } | { kind: 'waiting'; state: ContainerState } | { kind: 'done' };

/**
 * Fails when a container exited for good, burned its restart budget, or Docker found it
 * unhealthy. `final` is the last look: a container still between restarts has crashed.
 */
async function liveness(engine: ContainerEngine, id: string, service: string, opts: { oneShot?: boolean; final?: boolean } = {}): Promise<Liveness> {
  const state = await engine.inspect(id);
  if (!state) throw await exitedError(engine, id, service, null);
  if (state.restartCount >= VERIFY_RESTART_BUDGET) {
    throw new BerthError('restart_exhausted', `Service ${service} restarted ${state.restartCount} times.`, { service, restartCount: state.restartCount, logTail: await logTailOf(engine, id) });
  }
  // Docker decides a restart as the process ends: `exited` is final, `restarting` waits for the next start.
  if (state.status === 'exited' || state.status === 'dead') {
    if (opts.oneShot && state.exitCode === 0) return { kind: 'done' };
    throw await exitedError(engine, id, service, state.exitCode);
  }
  if (state.status === 'restarting') {
    if (opts.final) throw await exitedError(engine, id, service, state.exitCode);
    return { kind: 'waiting', state };
  }
  if (state.health === 'unhealthy') {
    throw new BerthError('container_unhealthy', `Docker reports service ${service} unhealthy.`, { service, restartCount: state.restartCount, logTail: await logTailOf(engine, id) });
  }
  return { kind: state.status === 'running' && state.health !== 'starting' ? 'up' : 'waiting', state };
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

/** Fails like liveness; true while the process runs. */
async function assertAlive(engine: ContainerEngine, id: string, service: string, final = false): Promise<boolean> {
  return (await liveness(engine, id, service, { final })).kind === 'up';
}

/**
 * Every service must be up: `healthy` when Docker runs a healthcheck for it, else `running` with
 * its health path answered (the routed service, `evidence`), else `running` for N consecutive
 * polls (5 by default). A one-shot service passes by exiting 0. A restart within
 * the budget is journaled and starts the count again.
 */
export const verifyRunning = (engine: ContainerEngine, runtime: RuntimeRecord, s: EngineSettings, signal: AbortSignal, opts: RunningOpts = {}): Promise<void> =>
  inVerify(() => runningStreak(engine, runtime, s, signal, opts));

type RunningOpts = { plan?: Plan; journal?: AttemptJournal; evidence?: HealthEvidence };

async function runningStreak(engine: ContainerEngine, runtime: RuntimeRecord, s: EngineSettings, signal: AbortSignal, opts: RunningOpts): Promise<void> {
  const oneShot = opts.plan ? oneShotServices(opts.plan) : new Set<string>();
  const streak = new Map(runtime.containers.map((c) => [c.id, 0]));
  const restarts = new Map(runtime.containers.map((c) => [c.id, 0]));
  while ([...streak.values()].some((n) => n < s.runningPolls)) {
    for (const c of runtime.containers) {
      if (streak.get(c.id)! >= s.runningPolls) continue;
      const look = await liveness(engine, c.id, c.service, { oneShot: oneShot.has(c.service) });
      if (look.kind === 'done') {
        streak.set(c.id, s.runningPolls);
        continue;
      }
      if (look.state.restartCount > restarts.get(c.id)!) {
        restarts.set(c.id, look.state.restartCount);
        // The exit code is known only while Docker waits to restart it; once running again it is not.
        await opts.journal?.event('step', 'verify', { step: 'restart', service: c.service, restartCount: look.state.restartCount, exitCode: look.state.exitCode });
      }
      const healthy = look.kind === 'up' && look.state.health === 'healthy';
      if (healthy) await opts.journal?.event('health', 'verify', { service: c.service, source: 'docker', health: 'healthy' });
      const answered = look.kind === 'up' && look.state.health === null && opts.evidence?.holds(c.id, look.state.restartCount) === true;
      streak.set(c.id, healthy || answered ? s.runningPolls : look.kind === 'up' ? streak.get(c.id)! + 1 : 0);
    }
    if ([...streak.values()].every((n) => n >= s.runningPolls)) return;
    // Woken by the health path's answer: the routed service needs no streak once it answered.
    await (opts.evidence ? opts.evidence.pause(s.pollMs, signal) : sleep(s.pollMs, signal));
  }
}

/**
 * Health policy over HTTP, straight to the container (before any traffic is switched), at its
 * current address: a restarted container may have a new one.
 */
export const verifyHealth = (x: HealthInput): Promise<void> => inVerify(() => healthPolicy(x));

interface HealthInput {
  engine: ContainerEngine;
  prober: HttpProber;
  containerId: string;
  service: string;
  port: number;
  health: HealthCheckPlan;
  journal: AttemptJournal;
  signal: AbortSignal;
  /** Where the answer is recorded for the running check. */
  evidence?: HealthEvidence;
}

async function healthPolicy(x: HealthInput): Promise<void> {
  const deadline = Date.now() + x.health.timeoutSeconds * 1000;
  let mismatchSince: number | null = null;
  let last: { status?: number; error?: string } = {};
  let ports: number[] | undefined;
  // The ports are looked at once an interval, not after every refused probe: a look costs more
  // than a probe, and an app that just started has not bound its port yet.
  let portsSeenAt = Date.now();
  // The first probes follow the start closely: most apps bind within tens of milliseconds.
  const pauses = ramp(x.health.intervalMs, FIRST_PROBE_PAUSE_MS);
  while (Date.now() < deadline) {
    const look = await liveness(x.engine, x.containerId, x.service);
    const state = look.kind === 'done' ? null : look.state;
    const ip = state?.ip;
    if (state && ip) {
      const answer = await x.prober.get(`http://${ip}:${x.port}${x.health.path}`, { timeoutMs: Math.min(5_000, x.health.timeoutSeconds * 1000) });
      if (answer.kind === 'response') {
        last = { status: answer.status };
        if (answer.status >= 300 && answer.status < 400) {
          throw new BerthError('health_check_redirected', 'The health path answered a redirect.', { path: x.health.path, status: answer.status, location: answer.location ?? null });
        }
        const ok = x.health.expectStatus ? answer.status === x.health.expectStatus : answer.status >= 200 && answer.status < 300;
        if (ok) {
          x.evidence?.record(x.containerId, state.restartCount);
          await x.journal.event('health', 'verify', { service: x.service, path: x.health.path, status: answer.status });
          return;
        }
      } else {
        last = { error: answer.code };
        if (Date.now() - portsSeenAt >= x.health.intervalMs) {
          ports = await x.engine.listeningPorts(x.containerId);
          portsSeenAt = Date.now();
        }
        if (ports && ports.length > 0 && !ports.includes(x.port)) {
          mismatchSince ??= Date.now();
          if (Date.now() - mismatchSince >= MISMATCH_GRACE_MS) {
            throw new BerthError('listener_port_mismatch', 'Nothing listens on the internal port.', { internalPort: x.port, listeningPorts: ports });
          }
        } else mismatchSince = null;
      }
    }
    await sleep(pauses.next().value, x.signal);
  }
  // A process that died while we waited is a crash, not a slow health path.
  await assertAlive(x.engine, x.containerId, x.service, true);
  if (last.status !== undefined) {
    throw new BerthError('health_check_failed', 'The health path did not answer with success.', { path: x.health.path, status: last.status });
  }
  // Nothing answered: what the app listens on now says whether it is the port or the app.
  ports = await x.engine.listeningPorts(x.containerId);
  if (ports && ports.length > 0 && !ports.includes(x.port)) {
    throw new BerthError('listener_port_mismatch', 'Nothing listens on the internal port.', { internalPort: x.port, listeningPorts: ports });
  }
  throw new BerthError('health_check_timeout', 'The health path did not answer in time.', { path: x.health.path, timeoutSeconds: x.health.timeoutSeconds, lastError: last.error ?? null });
}

/** Reads every container's current address into the record: a restart may have changed it. */
export async function refreshAddresses(engine: ContainerEngine, runtime: RuntimeRecord): Promise<void> {
  for (const c of runtime.containers) {
    const ip = (await engine.inspect(c.id))?.ip;
    if (ip) c.ip = ip;
  }
}

/** The routed service's container and its upstream address. */
export function routedContainer(plan: Plan, runtime: RuntimeRecord): { id: string; service: string; upstream: string } {
  const c = runtime.containers.find((x) => x.service === plan.routedService) ?? runtime.containers[0]!;
  return { id: c.id, service: c.service, upstream: `${c.ip}:${plan.internalPort}` };
}

/** Observes the access URL through the proxy at the target's edge, as a user would reach it. */
export async function verifyAccess(x: { prober: HttpProber; edgeHost: string; host: string; httpPort: number; url: string; health: HealthCheckPlan; signal: AbortSignal }): Promise<void> {
  const deadline = Date.now() + Math.max(5, Math.min(30, x.health.timeoutSeconds)) * 1000;
  let last: { status?: number; reason?: string } = {};
  const pauses = ramp(200);
  while (Date.now() < deadline) {
    const answer = await x.prober.get(`http://${x.edgeHost.includes(':') ? `[${x.edgeHost}]` : x.edgeHost}:${x.httpPort}${x.health.path}`, { timeoutMs: 5_000, host: x.host });
    if (answer.kind === 'response') {
      last = { status: answer.status };
      const ok = x.health.expectStatus ? answer.status === x.health.expectStatus : answer.status >= 200 && answer.status < 400;
      if (ok) return;
    } else last = { reason: answer.code };
    await sleep(pauses.next().value, x.signal);
  }
  throw new BerthError('access_url_unreachable', 'The access URL did not answer through the proxy.', { url: x.url, status: last.status ?? null, reason: last.reason ?? null });
}
