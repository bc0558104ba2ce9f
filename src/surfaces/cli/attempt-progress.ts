// Timings of an attempt from its journal: each phase and each step ends with a duration taken
// from the journal's own timestamps (the control plane's clock, not when the CLI saw them).
// A phase ends at its `phase` event (detect, plan and verify write one when done), else when an
// event of a later phase arrives; the next phase starts where it ended. A step ends at the next
// event; entering `rollback` means the phase before it failed. Pure: the follower feeds events in and prints what comes out.

export interface JournalEventView {
  at: string;
  kind: string;
  phase: string | null;
  data: Record<string, unknown>;
}

export type Progress =
  | { kind: 'step'; phase: string; step: string; service: string | null; durationMs: number; data: Record<string, unknown> }
  | { kind: 'phase'; phase: string; outcome: 'done' | 'failed'; durationMs: number; data: Record<string, unknown> };

interface Open {
  phase: string;
  startedAt: number;
  data: Record<string, unknown>;
  ended: boolean;
}

const TERMINAL = new Set(['succeeded', 'failed', 'canceled', 'interrupted', 'rolled-back']);

export class AttemptProgress {
  private phase: Open | undefined;
  private step: { phase: string; step: string; service: string | null; startedAt: number; data: Record<string, unknown> } | undefined;
  private firstAt: number | undefined;
  /** The phase open now, and the step running in it (for a spinner). */
  get current(): { phase: string; step: string | null; startedAt: number } | undefined {
    if (this.step) return { phase: this.step.phase, step: this.step.step, startedAt: this.step.startedAt };
    return this.phase && !this.phase.ended ? { phase: this.phase.phase, step: null, startedAt: this.phase.startedAt } : undefined;
  }

  /** Total time from the first event to the terminal status, once it arrived. */
  totalMs: number | undefined;
  status: string | undefined;

  /** Feeds one journal event; returns what it completed, in order. */
  feed(e: JournalEventView): Progress[] {
    const at = Date.parse(e.at);
    this.firstAt ??= at;
    const out: Progress[] = [];
    if (this.step && e.kind !== 'health') out.push(this.endStep(at));
    const terminal = e.kind === 'status' && TERMINAL.has(String(e.data.status));
    if (terminal) {
      this.status = String(e.data.status);
      this.totalMs = at - this.firstAt;
      if (this.phase && !this.phase.ended) out.push(this.endPhase(at, this.status === 'succeeded' ? 'done' : 'failed'));
      return out;
    }
    if (e.phase && this.phase?.phase !== e.phase) {
      const from = this.phase?.ended ? this.phase.startedAt : at;
      // Rolling back means the phase before it failed.
      if (this.phase && !this.phase.ended) out.push(this.endPhase(at, e.phase === 'rollback' ? 'failed' : 'done'));
      this.phase = { phase: e.phase, startedAt: this.phase ? from : at, data: {}, ended: false };
    }
    if (e.kind === 'phase' && this.phase && !this.phase.ended) {
      this.phase.data = e.data;
      out.push(this.endPhase(at, 'done'));
    } else if (e.kind === 'step' && e.phase) {
      const data = e.data;
      const step = { phase: e.phase, step: String(data.step), service: typeof data.service === 'string' ? data.service : null, startedAt: at, data };
      // A step journalled once done (a lock waited for) says how long it took.
      if (typeof data.waitedMs === 'number') out.push({ kind: 'step', phase: step.phase, step: step.step, service: step.service, durationMs: data.waitedMs, data });
      else this.step = step;
    }
    return out;
  }

  private endStep(at: number): Progress {
    const s = this.step!;
    this.step = undefined;
    return { kind: 'step', phase: s.phase, step: s.step, service: s.service, durationMs: Math.max(0, at - s.startedAt), data: s.data };
  }

  /** Ends the open phase; the next one starts at `at` (kept in startedAt of the ended phase). */
  private endPhase(at: number, outcome: 'done' | 'failed'): Progress {
    const p = this.phase!;
    p.ended = true;
    const durationMs = Math.max(0, at - p.startedAt);
    p.startedAt = at;
    return { kind: 'phase', phase: p.phase, outcome, durationMs, data: p.data };
  }
}
