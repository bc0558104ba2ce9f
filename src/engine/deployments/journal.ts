import type { Deployment, JournalEvent } from '../../core/deployments/deployment.js';
import type { DeploymentStatus, LifecyclePhase } from '../../core/deployments/status.js';
import type { Store } from '../../ports/store.js';

/** Writes an attempt's journal and its status projection together. */
export class AttemptJournal {
  constructor(
    private readonly store: Store,
    readonly deploymentId: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async event(kind: JournalEvent['kind'], phase: LifecyclePhase | null, data: Record<string, unknown>): Promise<void> {
    await this.store.journal.append(this.deploymentId, { at: this.now().toISOString(), kind, phase, data });
  }

  /** Compare-and-set status change, journalled when it happens; false when the row moved on. */
  async transition(from: readonly DeploymentStatus[], changes: Partial<Deployment> & { status: DeploymentStatus }): Promise<boolean> {
    const moved = await this.store.transaction(async (tx) => {
      const ok = await tx.deployments.transition(this.deploymentId, from, changes);
      if (ok) {
        await tx.journal.append(this.deploymentId, {
          at: this.now().toISOString(),
          kind: 'status',
          phase: changes.currentPhase ?? null,
          data: { status: changes.status, ...(changes.error ? { code: changes.error.code, errorPhase: changes.error.phase } : {}) },
        });
      }
      return ok;
    });
    return moved;
  }
}
