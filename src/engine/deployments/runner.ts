import { setMaxListeners } from 'node:events';
import { isTerminal } from '../../core/deployments/status.js';
import type { DeploymentRunnerPort } from '../../ports/deploy-runtime.js';
import type { Attempt, RunnerDeps } from './attempt.js';
import { resolveContext } from './attempt-context.js';
import { CancelRequested } from './deadline.js';
import { executePhase } from './execute-phase.js';
import { failAttempt } from './fail-phase.js';
import { afterSuccess, finishPhase } from './finish-phase.js';
import { AttemptJournal } from './journal.js';
import { endOrphan } from './orphan.js';
import { beginAttempt, planPhase } from './plan-phase.js';
import { verifyPhase } from './verify-phase.js';

export type { RunnerDeps } from './attempt.js';

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
    const p = this.run(deploymentId, ac)
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

  /**
   * One attempt, phase by phase (docs/architecture.md, "The path of berth up"). Everything that
   * can throw runs inside the try, after the heartbeat started: whatever fails, the failure path
   * ends the attempt and the heartbeat stops. What follows success never reaches the failure path.
   */
  private async run(id: string, ac: AbortController): Promise<void> {
    const { store, settings } = this.deps;
    const d = await store.deployments.get(id);
    if (!d) return;
    const a: Attempt = { id, d, journal: new AttemptJournal(store, id), signal: ac.signal, abort: (reason) => ac.abort(reason), switched: false };
    let heartbeat: NodeJS.Timeout | undefined;
    let succeeded = false;
    try {
      heartbeat = setInterval(() => void this.beat(id).catch(() => undefined), settings.heartbeatMs);
      a.ctx = await resolveContext(this.deps, d);
      if (!(await beginAttempt(this.deps, a))) return;
      await planPhase(this.deps, a);
      await executePhase(this.deps, a);
      await verifyPhase(this.deps, a);
      await finishPhase(this.deps, a);
      succeeded = true;
    } catch (err) {
      await failAttempt(this.deps, a, err);
    } finally {
      clearInterval(heartbeat);
      await a.source?.dispose().catch(() => undefined);
    }
    try {
      // Retiring the old version is a mutation on the server too: still under the lock.
      if (succeeded) await afterSuccess(this.deps, a);
    } finally {
      await a.lease?.release();
    }
  }
}
