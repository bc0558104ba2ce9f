import { sleep } from '../../core/time/delay.js';
import type { Deployment, JournalEvent } from '../../core/deployments/deployment.js';
import type { DeploymentStatus, LifecyclePhase } from '../../core/deployments/status.js';
import type { Store } from '../../ports/store.js';
import { BerthError } from '../../core/errors/berth-error.js';
import type { ErrorCode } from '../../core/errors/catalogue.js';
import { isTerminal } from '../../core/deployments/status.js';

const STORE_FAULTS: readonly ErrorCode[] = ['state_store_full', 'state_store_unavailable'];
const TERMINAL_WRITE_ATTEMPTS = 120;
const TERMINAL_WRITE_RETRY_MS = 500;

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

  /**
   * Compare-and-set status change, journalled when it happens; false when the row moved on. An
   * attempt's end is retried while the store refuses it (disk full, server restarting): given
   * up, the attempt would stay active until the reconciler ends it as interrupted.
   */
  async transition(from: readonly DeploymentStatus[], changes: Partial<Deployment> & { status: DeploymentStatus }): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.write(from, changes);
      } catch (err) {
        const storeFault = err instanceof BerthError && STORE_FAULTS.includes(err.code);
        if (!storeFault || !isTerminal(changes.status) || attempt >= TERMINAL_WRITE_ATTEMPTS) throw err;
        await sleep(TERMINAL_WRITE_RETRY_MS);
      }
    }
  }

  private async write(from: readonly DeploymentStatus[], changes: Partial<Deployment> & { status: DeploymentStatus }): Promise<boolean> {
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
