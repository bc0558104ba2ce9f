import { BerthError } from '../../core/errors/berth-error.js';
import { MAX_JOB_LINES } from '../../core/deployments/provider-job-lines.js';
import type { LogMask } from '../../core/diagnostics/log-mask.js';
import type { ProviderJobLogEntry } from '../../ports/governance-store.js';
import type { Store } from '../../ports/store.js';

// A provider job's own output (an image build's steps, a pull's attempts), kept apart from the
// attempt journal: the journal holds what Berth decided, this holds what the provider printed.
// Lines are masked before they are kept, and written in small batches while the job runs, so a
// reader following the attempt (`berth up`) sees a build's output before the build ends. Only the
// newest MAX_JOB_LINES of a job stay: older ones are trimmed as the job goes, and a note says so.

export interface ProviderJob {
  provider: string;
  jobId: string;
  deploymentId: string;
  resourceId: string;
}

type Line = Pick<ProviderJobLogEntry, 'at' | 'level' | 'message' | 'data'>;

/** How long a line may wait before it is written: the live delay a follower sees. */
export const LIVE_FLUSH_MS = 200;
/** A batch this long is written at once. */
const BATCH_LINES = 200;
/** Lines in memory for the job's tail (the journal quotes a build's last lines). */
const TAIL_LINES = 50;

export class ProviderJobLog {
  private pending: Line[] = [];
  private readonly recent: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Lines written and still stored, and how many were trimmed away. */
  private stored = 0;
  private dropped = 0;

  constructor(
    private readonly store: Store,
    private readonly job: ProviderJob,
    private readonly mask: LogMask,
    private readonly log: (msg: string, err?: unknown) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  line(message: string, level: Line['level'] = 'info', data?: Record<string, unknown>): void {
    const masked = this.mask(message);
    this.pending.push({ at: this.now().toISOString(), level, message: masked, ...(data ? { data } : {}) });
    this.recent.push(masked);
    if (this.recent.length > TAIL_LINES) this.recent.shift();
    if (this.pending.length >= BATCH_LINES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), LIVE_FLUSH_MS);
  }

  /** The newest `n` lines, masked. */
  tail(n: number): string[] {
    return this.recent.slice(-n);
  }

  /** Runs the job, records how it ended, and writes its lines whatever happened. */
  async around<T>(run: (log: ProviderJobLog) => Promise<T>): Promise<T> {
    let outcome: Line;
    try {
      const out = await run(this);
      outcome = { at: this.now().toISOString(), level: 'info', message: 'job succeeded', data: { outcome: 'succeeded' } };
      return out;
    } catch (err) {
      outcome = { at: this.now().toISOString(), level: 'error', message: 'job failed', data: { outcome: 'failed', code: err instanceof BerthError ? err.code : 'internal' } };
      throw err;
    } finally {
      await this.flush();
      // The outcome is the job's last line; a trimmed job says before it how many lines went.
      const note: Line[] = this.dropped > 0 ? [{ at: outcome!.at, level: 'warn', message: `${this.dropped} earlier lines not kept`, data: { dropped: this.dropped } }] : [];
      await this.write([...note, outcome!]);
    }
  }

  /** Writes what is pending, one batch at a time in order; trims the job once it holds too many. */
  private flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.writing;
    return this.write(batch, true);
  }

  private write(lines: Line[], counted = false): Promise<void> {
    this.writing = this.writing.then(async () => {
      // The log is evidence, not the outcome: failing to write it must not fail the deployment.
      try {
        await this.store.providerJobLogs.append(lines.map((l) => ({ ...this.job, ...l })));
        if (!counted) return;
        this.stored += lines.length;
        if (this.stored > MAX_JOB_LINES) {
          const trimmed = await this.store.providerJobLogs.trimJob(this.job.deploymentId, this.job.jobId, MAX_JOB_LINES);
          this.stored -= trimmed;
          this.dropped += trimmed;
        }
      } catch (err) {
        this.log(`provider job log ${this.job.jobId} not written`, err);
      }
    });
    return this.writing;
  }
}
