import { BerthError } from '../../core/errors/berth-error.js';
import { MAX_JOB_LINES } from '../../core/deployments/provider-job-lines.js';
import type { LogMask } from '../../core/diagnostics/log-mask.js';
import type { ProviderJobLogEntry } from '../../ports/governance-store.js';
import type { Store } from '../../ports/store.js';

// A provider job's own output (an image build's steps, a pull's attempts), kept apart from the
// attempt journal: the journal holds what Berth decided, this holds what the provider printed.
// Lines are masked before they are kept and written once, when the job ends, in one insert
// (a control plane killed mid-build loses that job's lines; the journal still has the step).

export interface ProviderJob {
  provider: string;
  jobId: string;
  deploymentId: string;
  resourceId: string;
}

type Line = Pick<ProviderJobLogEntry, 'at' | 'level' | 'message' | 'data'>;

export class ProviderJobLog {
  private readonly lines: Line[] = [];
  private dropped = 0;

  constructor(
    private readonly store: Store,
    private readonly job: ProviderJob,
    private readonly mask: LogMask,
    private readonly log: (msg: string, err?: unknown) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  line(message: string, level: Line['level'] = 'info', data?: Record<string, unknown>): void {
    this.lines.push({ at: this.now().toISOString(), level, message: this.mask(message), ...(data ? { data } : {}) });
    if (this.lines.length > MAX_JOB_LINES) {
      this.lines.shift();
      this.dropped++;
    }
  }

  /** The newest `n` kept lines, masked (the journal quotes a build's last lines). */
  tail(n: number): string[] {
    return this.lines.slice(-n).map((l) => l.message);
  }

  /** Runs the job, records how it ended, and writes its lines whatever happened. */
  async around<T>(run: (log: ProviderJobLog) => Promise<T>): Promise<T> {
    try {
      const out = await run(this);
      this.line('job succeeded', 'info', { outcome: 'succeeded' });
      return out;
    } catch (err) {
      this.line('job failed', 'error', { outcome: 'failed', code: err instanceof BerthError ? err.code : 'internal' });
      throw err;
    } finally {
      await this.flush();
    }
  }

  private async flush(): Promise<void> {
    const head: Line[] = this.dropped > 0 ? [{ at: this.lines[0]!.at, level: 'warn', message: `${this.dropped} earlier lines not kept`, data: { dropped: this.dropped } }] : [];
    const entries = [...head, ...this.lines].map((l) => ({ ...this.job, ...l }));
    this.lines.length = 0;
    this.dropped = 0;
    // The log is evidence, not the outcome: failing to write it must not fail the deployment.
    await this.store.providerJobLogs.append(entries).catch((err) => this.log(`provider job log ${this.job.jobId} not written`, err));
  }
}
