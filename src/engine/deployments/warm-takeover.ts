import type { Deployment, RuntimeRecord } from '../../core/deployments/deployment.js';
import { isWarm } from '../../core/deployments/warm.js';
import type { Plan } from '../../core/plan/plan.js';
import type { ContainerEngine } from '../../ports/container-engine.js';
import type { Store } from '../../ports/store.js';
import { serviceEnv } from './execute.js';
import type { AttemptJournal } from './journal.js';
import { oneShotServices, VERIFY_RESTART_BUDGET } from './verify.js';

/** Why a warm candidate's containers are not taken over (the rollback then starts its own). */
export type WarmGap = 'expired' | 'other-server' | 'secret-files' | 'container-gone' | 'container-stopped' | 'container-unhealthy' | 'restart-budget' | 'environment-changed' | 'taken';

interface TakeoverInput {
  store: Pick<Store, 'deployments'>;
  engine: ContainerEngine;
  journal: AttemptJournal;
  /** The rollback attempt. */
  deployment: Deployment;
  plan: Plan;
  /** The resource's secrets as a container started now would get them. */
  secrets: () => Promise<Record<string, string>>;
  /** Must pass before anything is taken (the proxy check), run beside the container checks: a failure leaves the warm version as it was. */
  beforeClaim: () => Promise<void>;
}

/**
 * A rollback to a version still warm takes its running containers over instead of starting new
 * ones: the route switch is then most of the attempt, and it is verified like any attempt (health,
 * route, access). Only containers that run exactly as a fresh start would are taken: still
 * running, not unhealthy, within the restart budget, with the environment the resource's secrets
 * give now (a rotated secret is not rolled back). Otherwise undefined, journalled with its reason,
 * and the attempt starts its own from the kept images. The caller journals the takeover.
 *
 * The candidate's record is marked handed over before this attempt records the containers, by
 * compare-and-set: a retirement racing the takeover (its window expired, a newer deploy) either
 * won, and this attempt starts its own, or finds nothing live to retire. From then on the
 * containers are this attempt's: its failure path removes them, and the reconciler and pruning
 * follow the handover (their labels still name the candidate).
 */
export async function takeOverWarm(x: TakeoverInput): Promise<RuntimeRecord | undefined> {
  const intent = x.deployment.snapshot.rollback;
  if (!intent) return undefined;
  const candidate = await x.store.deployments.get(intent.candidateId);
  // Never kept warm (no window, or retired at once): the ordinary rollback, nothing to say.
  if (!candidate?.runtime?.warmUntil) return undefined;
  const runtime = candidate.runtime;
  const [gap] = await Promise.all([gapOf(x, candidate, x.secrets), x.beforeClaim()]);
  if (gap) {
    await x.journal.event('step', 'execute', { step: 'warm', outcome: 'fallback', reason: gap, candidateId: candidate.id });
    return undefined;
  }
  const claimed = await x.store.deployments.releaseRuntime(candidate.id, { ...runtime, retiredAt: new Date().toISOString(), handedOverTo: x.deployment.id });
  if (!claimed) {
    await x.journal.event('step', 'execute', { step: 'warm', outcome: 'fallback', reason: 'taken' satisfies WarmGap, candidateId: candidate.id });
    return undefined;
  }
  // The caller records them as its own before anything else can fail (the journal included).
  return { network: runtime.network, networks: runtime.networks ?? [runtime.network], containers: runtime.containers.map((c) => ({ ...c })) };
}

async function gapOf(x: TakeoverInput, candidate: Deployment, secretsOf: () => Promise<Record<string, string>>): Promise<WarmGap | undefined> {
  if (!isWarm(candidate, new Date())) return candidate.runtime!.handedOverTo ? 'taken' : 'expired';
  if (candidate.serverId !== x.deployment.serverId) return 'other-server';
  // A file secret's content is inside the container: it cannot be compared, so it is not reused.
  if (x.plan.services.some((s) => s.secretFiles?.length)) return 'secret-files';
  const oneShot = oneShotServices(x.plan);
  const secrets = secretsOf();
  secrets.catch(() => undefined); // awaited below, unless a container already disqualifies
  const services = new Set(candidate.runtime!.containers.map((c) => c.service));
  if (x.plan.services.some((s) => !services.has(s.name))) return 'container-gone';
  for (const c of candidate.runtime!.containers) {
    const service = x.plan.services.find((s) => s.name === c.service);
    const [state, env] = await Promise.all([x.engine.inspect(c.id), x.engine.containerEnv(c.id)]);
    if (!service || !state || !env) return 'container-gone';
    const done = oneShot.has(service.name) && state.status === 'exited' && state.exitCode === 0;
    if (!done && state.status !== 'running') return 'container-stopped';
    if (state.health === 'unhealthy') return 'container-unhealthy';
    if (state.restartCount >= VERIFY_RESTART_BUDGET) return 'restart-budget';
    if (Object.entries(serviceEnv(service, x.plan, await secrets)).some(([k, v]) => env[k] !== v)) return 'environment-changed';
  }
  return undefined;
}
