import { setMaxListeners } from 'node:events';
import { BerthError, toBerthError } from '../../core/errors/berth-error.js';
import { accessUrl, generatedHost, routeId } from '../../core/access/generated-url.js';
import type { Deployment, RuntimeRecord } from '../../core/deployments/deployment.js';
import type { Plan } from '../../core/plan/plan.js';
import { ACTIVE_STATUSES, isTerminal } from '../../core/deployments/status.js';
import { recoveryHint } from '../../core/deployments/recovery-hint.js';
import { logMask } from '../../core/diagnostics/log-mask.js';
import type { DeploymentRunnerPort, Targets, TargetRuntime } from '../../ports/deploy-runtime.js';
import type { HttpProber } from '../../ports/http-prober.js';
import type { MaterializedSource, Planner, SourceReader } from '../../ports/sources.js';
import type { SecretResolver } from '../../ports/secrets.js';
import type { Store } from '../../ports/store.js';
import { allOrAbort, CancelRequested, withDeadline } from './deadline.js';
import { produceArtifact, startServices } from './execute.js';
import { AttemptJournal } from './journal.js';
import { endOrphan } from './orphan.js';
import { ProviderJobLog } from './provider-job-log.js';
import { reuseArtifact } from './reuse-artifact.js';
import { retireRuntime } from './retire.js';
import { teardownRuntime } from './teardown.js';
import { servingDeployment } from './serving.js';
import type { EngineSettings } from './settings.js';
import { keepRunning, refreshAddresses, routedContainer, verifyAccess, verifyHealth, verifyRunning } from './verify.js';

export interface RunnerDeps {
  store: Store;
  targets: Targets;
  sources: SourceReader;
  planner: Planner;
  prober: HttpProber;
  settings: EngineSettings;
  /** Identifies this control plane in `owner` (pid@host). */
  owner: string;
  log: (msg: string, err?: unknown) => void;
  /** Opens the resource's secrets into the container environment, and nowhere else. */
  secrets: SecretResolver;
}

/** Runs attempts in the background: detect -> plan -> execute -> verify (-> rollback). */
export class DeploymentRunner implements DeploymentRunnerPort {
  private readonly active = new Map<string, AbortController>();
  private readonly done = new Map<string, Promise<void>>();

  constructor(private readonly deps: RunnerDeps) {}

  start(deploymentId: string): void {
    if (this.active.has(deploymentId)) return;
    const ac = new AbortController();
    // Every step adds a listener through its deadline signal; a long attempt has many steps.
    setMaxListeners(200, ac.signal);
    this.active.set(deploymentId, ac);
    const p = this.run(deploymentId, ac.signal)
      .catch((err) => this.deps.log(`runner crashed on ${deploymentId}`, err))
      .finally(() => {
        this.active.delete(deploymentId);
        this.done.delete(deploymentId);
      });
    this.done.set(deploymentId, p);
  }

  abort(deploymentId: string): boolean {
    const ac = this.active.get(deploymentId);
    if (!ac) return false;
    ac.abort(new CancelRequested());
    return true;
  }

  isRunningHere(deploymentId: string): boolean {
    return this.active.has(deploymentId);
  }

  async cancelUnowned(deploymentId: string): Promise<'owner-notified' | 'ended' | 'not-active'> {
    const d = await this.deps.store.deployments.get(deploymentId);
    if (!d || isTerminal(d.status)) return 'not-active';
    if (this.abort(deploymentId)) return 'owner-notified';
    // A live runner elsewhere (or one about to start it) sees cancel-requested on its next heartbeat.
    const fresh = Date.now() - Date.parse(d.heartbeatAt ?? d.createdAt) < this.deps.settings.staleAfterSeconds * 1000;
    if (fresh && d.owner !== this.deps.owner) return 'owner-notified';
    return (await endOrphan(this.deps.store, this.deps.targets, { ...d, status: 'cancel-requested' }, () => null)) ? 'ended' : 'not-active';
  }

  /** Heartbeat; a cancel asked through another control plane reaches this runner here. */
  private async beat(id: string): Promise<void> {
    await this.deps.store.deployments.heartbeat(id, new Date().toISOString());
    if ((await this.deps.store.deployments.get(id))?.status === 'cancel-requested') this.abort(id);
  }

  /** Waits for every attempt of this process (graceful shutdown and tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.done.values()]);
  }

  private async run(id: string, signal: AbortSignal): Promise<void> {
    const { store, settings } = this.deps;
    const journal = new AttemptJournal(store, id);
    const heartbeat = setInterval(() => void this.beat(id).catch(() => undefined), settings.heartbeatMs);
    let source: MaterializedSource | undefined;
    let runtime: RuntimeRecord | undefined;
    let switched = false;
    let d = (await store.deployments.get(id))!;
    const ctx = await this.context(d);
    try {
      const now = new Date().toISOString();
      if (!(await journal.transition(['created'], { status: 'planning', currentPhase: 'detect', startedAt: now, heartbeatAt: now, owner: this.deps.owner }))) {
        // Canceled before it started: nothing ran, so it simply ends.
        await journal.transition(['cancel-requested'], { status: 'canceled', finishedAt: now, recoveryHint: recoveryHint('canceled', d.currentPhase, null) });
        return;
      }
      d = { ...d, currentPhase: 'detect' };

      // A rollback reuses its candidate's plan and artifact: no detect, no plan, no build, no pull.
      const reused = d.snapshot.rollback;
      let plan: Plan;
      if (reused) {
        d = { ...d, currentPhase: 'plan' };
        plan = reused.plan;
        await store.deployments.update(id, { sourceSummary: reused.sourceSummary, currentPhase: 'plan' });
        await journal.transition(['planning'], { status: 'planned', currentPhase: 'plan', plan });
        await journal.event('phase', 'plan', { reusedFrom: reused.candidateId, planner: plan.planner, artifactKind: plan.artifactKind, internalPort: plan.internalPort });
      } else {
        source = await withDeadline('source', settings.deadlines.source, signal, () => this.deps.sources.materialize(d.snapshot.source, settings.workRoot));
        await store.deployments.update(id, { sourceSummary: source.summary });
        await journal.event('phase', 'detect', { source: source.summary });

        d = { ...d, currentPhase: 'plan' };
        await store.deployments.update(id, { currentPhase: 'plan' });
        plan = await withDeadline('plan', settings.deadlines.plan, signal, () =>
          this.deps.planner.plan({ source: source!, runtime: d.snapshot.runtime, network: d.snapshot.network, health: d.snapshot.health, composeDocument: d.snapshot.composeDocument }),
        );
        await journal.transition(['planning'], { status: 'planned', currentPhase: 'plan', plan });
        await journal.event('phase', 'plan', { planner: plan.planner, supportTier: plan.supportTier, artifactKind: plan.artifactKind, internalPort: plan.internalPort });
      }

      d = { ...d, currentPhase: 'execute' };
      if (!(await journal.transition(['planned'], { status: 'running', currentPhase: 'execute' }))) throw new CancelRequested();
      // The proxy must be up before anything starts: a missing proxy fails fast, nothing to undo.
      await withDeadline('proxy', settings.deadlines.route, signal, () => ctx.target.proxy.ensureRunning());
      const mask = logMask({ secretNames: d.snapshot.secretNames });
      const providerJob = (kind: 'pull' | 'build', service: string) =>
        new ProviderJobLog(store, { provider: ctx.target.provider, jobId: `${id}:${kind}:${service}`, deploymentId: id, resourceId: d.resourceId }, mask, this.deps.log);
      const exec = { deployment: d, resourceName: ctx.resourceName, plan, target: ctx.target, journal, settings, signal, providerJob };
      const artifact = reused ? await reuseArtifact({ intent: reused, target: ctx.target, journal }) : await produceArtifact(exec);
      await store.deployments.update(id, { artifact });
      runtime = await startServices({
        ...exec,
        artifact,
        env: await this.deps.secrets.resolve(d.resourceId, d.snapshot.secretNames),
        onStarted: async (r) => {
          runtime = r; // known to the failure path as soon as anything exists
          await store.deployments.update(id, { runtime: r });
        },
      });

      d = { ...d, currentPhase: 'verify' };
      if (!(await journal.transition(['running'], { status: 'verifying', currentPhase: 'verify' }))) throw new CancelRequested();
      await withDeadline('verify', settings.deadlines.verify, signal, async (s) => {
        const verified = routedContainer(plan, runtime!);
        // The running streak and the health policy are observed side by side; both must pass.
        await allOrAbort(s, [
          (both) => verifyRunning(ctx.target.engine, runtime!, settings, both, { plan, journal }),
          (both) => verifyHealth({ engine: ctx.target.engine, prober: this.deps.prober, containerId: verified.id, service: verified.service, port: plan.internalPort, health: plan.health, journal, signal: both }),
        ]);
        await refreshAddresses(ctx.target.engine, runtime!);
        const routed = routedContainer(plan, runtime!);
        runtime!.routedUpstream = routed.upstream;
        await store.deployments.update(id, { runtime });
        await this.applyRoute(ctx, routed.upstream, journal);
        switched = true;
        await verifyAccess({ prober: this.deps.prober, host: ctx.host, httpPort: ctx.httpPort, url: ctx.url, health: plan.health, signal: s });
      });

      // Verified: from now on the engine keeps it running across crashes and daemon restarts.
      await keepRunning(ctx.target.engine, plan, runtime);
      const finishedAt = new Date().toISOString();
      // Canceled at the last moment: the failure path gives the route back and removes this version.
      if (!(await journal.transition(['verifying'], { status: 'succeeded', finishedAt, accessUrl: ctx.url, runtime, error: null, recoveryHint: null }))) throw new CancelRequested();
      await journal.event('phase', 'verify', { accessUrl: ctx.url });
      if (ctx.previous) await retireRuntime(store, ctx.target.engine, ctx.previous, settings.drainMs, journal);
    } catch (err) {
      await this.fail(d, err, { journal, ctx, runtime, switched, signal });
    } finally {
      clearInterval(heartbeat);
      await source?.dispose().catch(() => undefined);
    }
  }

  private async context(d: Deployment) {
    const { store } = this.deps;
    const resource = (await store.resources.get(d.resourceId))!;
    const env = (await store.environments.get(d.environmentId))!;
    const server = (await store.servers.get(d.serverId))!;
    const target: TargetRuntime = this.deps.targets.forServer(server);
    const httpPort = target.proxy.httpPort();
    const host = generatedHost({ resourceName: resource.name, hostLabel: d.snapshot.access.hostLabel, environmentName: env.name, baseDomain: this.deps.settings.baseDomain, preview: d.preview });
    const previous = await servingDeployment(store, d);
    return { resourceName: resource.name, target, host, httpPort, url: accessUrl(host, httpPort), route: routeId(d.resourceId, d.preview), previous };
  }

  private async applyRoute(ctx: Awaited<ReturnType<DeploymentRunner['context']>>, upstream: string, journal: AttemptJournal): Promise<void> {
    await withDeadline('route', this.deps.settings.deadlines.route, new AbortController().signal, () => ctx.target.proxy.applyRoute({ id: ctx.route, hosts: [ctx.host], upstream }));
    const observed = await ctx.target.proxy.getRoute(ctx.route);
    if (!observed || observed.upstream !== upstream) {
      throw new BerthError('proxy_route_failed', 'The proxy does not serve the route that was applied.', { routeId: ctx.route, reason: observed ? 'upstream-mismatch' : 'route-missing' });
    }
    await journal.event('step', 'verify', { step: 'route', routeId: ctx.route, upstream });
  }

  /** Ends the attempt: the old version keeps (or gets back) the route, the new one is removed. */
  private async fail(
    d: Deployment,
    err: unknown,
    x: { journal: AttemptJournal; ctx: Awaited<ReturnType<DeploymentRunner['context']>>; runtime?: RuntimeRecord; switched: boolean; signal: AbortSignal },
  ): Promise<void> {
    const canceled = err instanceof CancelRequested || (x.signal.aborted && x.signal.reason instanceof CancelRequested);
    const error = canceled ? null : toBerthError(err, d.id);
    if (error?.code === 'internal') this.deps.log(`internal error in ${d.id}`, err);
    let restored = false;
    let rollbackError: BerthError | null = null;
    const previousUpstream = x.ctx.previous?.runtime?.routedUpstream;
    if (x.switched && previousUpstream) {
      try {
        await x.ctx.target.proxy.applyRoute({ id: x.ctx.route, hosts: [x.ctx.host], upstream: previousUpstream });
        restored = true;
      } catch (e) {
        rollbackError = new BerthError('rollback_failed', 'The previous version could not be given the route back.', { reason: toBerthError(e, d.id).code }, 'rollback');
      }
    } else if (x.switched) {
      await x.ctx.target.proxy.removeRoute(x.ctx.route).catch(() => undefined);
    }
    if (x.runtime) {
      const removed = await teardownRuntime(x.ctx.target.engine, x.runtime, 0);
      await x.journal.event('step', 'rollback', { step: 'remove-new-containers', containers: removed });
    }
    const servedByPrevious = Boolean(x.ctx.previous) && (restored || !x.switched);
    const status = canceled ? 'canceled' : rollbackError ? 'failed' : servedByPrevious && d.currentPhase === 'verify' ? 'rolled-back' : 'failed';
    const finalError = rollbackError ?? error;
    // A detect failure surfaced while planning (the planner detects) is reported in detect.
    const failedIn = error && (error.phase === 'detect' || error.phase === 'plan') && (d.currentPhase === 'detect' || d.currentPhase === 'plan') ? error.phase : d.currentPhase;
    const phase = status === 'rolled-back' || rollbackError ? 'rollback' : failedIn;
    const errorObject = finalError ? finalError.toObject() : null;
    await x.journal.transition(ACTIVE_STATUSES, {
      status,
      currentPhase: phase,
      finishedAt: new Date().toISOString(),
      error: errorObject,
      runtime: x.runtime ? { ...x.runtime, retiredAt: new Date().toISOString() } : null,
      recoveryHint: recoveryHint(status, phase, errorObject),
    });
  }
}
