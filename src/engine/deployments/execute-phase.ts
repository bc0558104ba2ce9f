import { logMask } from '../../core/diagnostics/log-mask.js';
import type { Attempt, RunnerDeps } from './attempt.js';
import { CancelRequested, withDeadline } from './deadline.js';
import { produceArtifact, startServices } from './execute.js';
import { ProviderJobLog } from './provider-job-log.js';
import { reuseArtifact } from './reuse-artifact.js';

/** planned -> running: the proxy is up, the artifact built, pulled or reused, the services started. */
export async function executePhase(deps: RunnerDeps, a: Attempt): Promise<void> {
  const { store, settings } = deps;
  const ctx = a.ctx!;
  const plan = a.plan!;
  a.d = { ...a.d, currentPhase: 'execute' };
  if (!(await a.journal.transition(['planned'], { status: 'running', currentPhase: 'execute' }))) throw new CancelRequested();
  // The proxy must be up before anything starts: a missing proxy fails fast, nothing to undo.
  await withDeadline('proxy', settings.deadlines.route, a.signal, () => ctx.target.proxy.ensureRunning());
  const d = a.d;
  const mask = logMask({ secretNames: d.snapshot.secretNames });
  const providerJob = (kind: 'pull' | 'install' | 'build', service: string) =>
    new ProviderJobLog(store, { provider: ctx.target.provider, jobId: `${a.id}:${kind}:${service}`, deploymentId: a.id, resourceId: d.resourceId }, mask, deps.log);
  // Opened once: a node install reads build.secrets from them, the containers their environment.
  const secrets = await deps.secrets.resolve(d.resourceId, d.snapshot.secretNames);
  const exec = { deployment: d, resourceName: ctx.resourceName, plan, target: ctx.target, journal: a.journal, settings, signal: a.signal, providerJob, secrets };
  const reused = d.snapshot.rollback;
  const artifact = reused ? await reuseArtifact({ intent: reused, target: ctx.target, journal: a.journal }) : await produceArtifact(exec);
  await store.deployments.update(a.id, { artifact });
  a.runtime = await startServices({
    ...exec,
    artifact,
    env: secrets,
    onStarted: async (r) => {
      a.runtime = r; // known to the failure path as soon as anything exists
      await store.deployments.update(a.id, { runtime: r });
    },
  });
}
