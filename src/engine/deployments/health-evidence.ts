import { sleep } from '../../core/time/delay.js';

/**
 * The routed service's health policy answering, shared by the two checks of verify. For a
 * container without a Docker healthcheck, that answer is its first successful healthcheck: it
 * counts as running at once (the replica states say running comes on the first healthy
 * healthcheck; the 5-poll streak is the fallback for a service nothing checks). The answer holds
 * only for the start it was seen on: a restart since then needs a new one.
 */
export class HealthEvidence {
  private readonly answered = new Map<string, number>();
  private readonly waiters = new Set<() => void>();

  /** The health path answered the container while it had restarted `restartCount` times. */
  record(containerId: string, restartCount: number): void {
    this.answered.set(containerId, restartCount);
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** True when the health path answered this container since its last restart. */
  holds(containerId: string, restartCount: number): boolean {
    return this.answered.get(containerId) === restartCount;
  }

  /** Waits `ms`, or less when an answer is recorded meanwhile. */
  async pause(ms: number, signal: AbortSignal): Promise<void> {
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    this.waiters.add(wake);
    const slept = sleep(ms, signal);
    slept.catch(() => undefined); // woken first, the abort may still reject it later
    try {
      await Promise.race([slept, woken]);
    } finally {
      this.waiters.delete(wake);
    }
  }
}
