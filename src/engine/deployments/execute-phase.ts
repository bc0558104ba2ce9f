import { logMask } from '../../core/diagnostics/log-mask.js';
import type { Artifact, RuntimeRecord } from '../../core/deployments/deployment.js';
import type { Actor } from '../../core/model/records.js';
import { holdTargetLock } from '../servers/target-lock.js';
import type { Attempt, RunnerDeps } from './attempt.js';
import { CancelRequested, withDeadline } from './deadline.js';
import { produceArtifact, startServices } from './execute.js';
import { attemptRuntime, openNetworks } from './open-networks.js';
import { ProviderJobLog } from './provider-job-log.js';
import { reuseArtifact } from './reuse-artifact.js';
import { takeOverWarm } from './warm-takeover.js';

const SYSTEM: Actor = { kind: 'system', id: 'deployment-runner' };

/** planned -> running: the proxy is up, the artifact built, pulled or reused, the services started. */
export async function executePhase(deps: RunnerDeps, a: Attempt): Promise<void> {
  const { store, settings } = deps;
  const ctx = a.ctx!;
  const plan = a.plan!;
  a.d = { ...a.d, currentPhase: 'execute' };
  if (!(await a.journal.transition(['planned'], { status: 'running', currentPhase: 'execute' }))) throw new CancelRequested();
  // Nothing changes on a server before its lock is ours (and an SSH failure ends the attempt here).
  const waitFrom = Date.now();
  a.lease = await holdTargetLock({ store, target: ctx.target, server: ctx.server, correlationId: a.id, signal: a.signal, actor: SYSTEM, onLost: a.abort, log: deps.log, deploymentId: a.id });
  if (a.lease.held) await a.journal.event('step', 'execute', { step: 'server-lock', waitedMs: Date.now() - waitFrom, recoveredStale: a.lease.held.recovered !== null });
  const d = a.d;
  const onStarted = async (r: RuntimeRecord) => {
    a.runtime = r; // known to the failure path as soon as anything exists
    await store.deployments.update(a.id, { runtime: r });
  };
  if (d.snapshot.rollback && (await rollbackToWarm(deps, a))) return;
  // Named in the record before any exists, then created beside the proxy check and the artifact.
  const runtime = attemptRuntime(d, plan);
  await onStarted(runtime);
  const opening = openNetworks(ctx.target.engine, d, runtime);
  opening.catch(() => undefined); // awaited below, on either path
  let artifact: Artifact;
  let secrets: Record<string, string>;
  let exec;
  try {
    // The proxy must be up before any container starts: a missing proxy fails fast.
    await withDeadline('proxy', settings.deadlines.route, a.signal, () => ctx.target.proxy.ensureRunning());
    const mask = logMask({ secretNames: d.snapshot.secretNames });
    const providerJob = (kind: 'pull' | 'install' | 'build', service: string) =>
      new ProviderJobLog(store, { provider: ctx.target.provider, jobId: `${a.id}:${kind}:${service}`, deploymentId: a.id, resourceId: d.resourceId }, mask, deps.log);
    // Opened once: a node install reads build.secrets from them, the containers their environment.
    secrets = await deps.secrets.resolve(d.resourceId, d.snapshot.secretNames);
    exec = { deployment: d, resourceName: ctx.resourceName, plan, target: ctx.target, journal: a.journal, settings, signal: a.signal, providerJob, secrets };
    const reused = d.snapshot.rollback;
    artifact = reused ? await reuseArtifact({ intent: reused, target: ctx.target, journal: a.journal }) : await produceArtifact(exec);
  } catch (err) {
    // Settled before the failure path runs: it then removes every network the record names.
    await opening.catch(() => undefined);
    throw err;
  }
  await store.deployments.update(a.id, { artifact });
  await opening;
  a.runtime = await startServices({ ...exec, artifact, env: secrets, runtime, onStarted });
}

/**
 * A rollback to a version still warm: its containers become this attempt's, once the proxy is
 * known to be up. False when they are not taken over: the attempt starts its own.
 */
async function rollbackToWarm(deps: RunnerDeps, a: Attempt): Promise<boolean> {
  const ctx = a.ctx!;
  const d = a.d;
  const runtime = await takeOverWarm({
    store: deps.store,
    engine: ctx.target.engine,
    journal: a.journal,
    deployment: d,
    plan: a.plan!,
    secrets: () => deps.secrets.resolve(d.resourceId, d.snapshot.secretNames),
    beforeClaim: async () => {
      await withDeadline('proxy', deps.settings.deadlines.route, a.signal, () => ctx.target.proxy.ensureRunning());
    },
  });
  if (!runtime) return false;
  // Known to the failure path from here: the containers are this attempt's.
  a.runtime = runtime;
  await deps.store.deployments.update(a.id, { runtime, artifact: d.snapshot.rollback!.artifact });
  await a.journal.event('step', 'execute', { step: 'warm', outcome: 'taken-over', candidateId: d.snapshot.rollback!.candidateId, containers: runtime.containers.map((c) => c.id) });
  return true;
}
