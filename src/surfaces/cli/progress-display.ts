import type { Progress } from './attempt-progress.js';

// How a followed attempt looks while it runs. Human: a line per step and per phase with its
// duration, the provider's output dimmed under them, and a spinner on the line being worked on,
// all on stderr (stdout keeps the result). The spinner and dimming are drawn only when stderr is a
// terminal; anywhere else the lines are plain text without a control sequence. --json: one JSON
// object per line on stderr instead, with durationMs.

export interface DisplayOptions {
  json: boolean;
  /** stderr is a terminal: draw a spinner and dim the provider output. */
  tty: boolean;
  /** Writes to stderr without adding a newline (the spinner redraws its line). */
  write: (text: string) => void;
  now?: () => number;
}

export interface OutputLine {
  seq: number;
  jobId: string | null;
  level: string;
  message: string;
  data: Record<string, unknown>;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\x1b[2K';
const dim = (s: string) => `\x1b[2m${s}\x1b[22m`;

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export class ProgressDisplay {
  private spinner: NodeJS.Timeout | undefined;
  private frame = 0;
  private working: { label: string; since: number } | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: DisplayOptions) {
    this.now = opts.now ?? Date.now;
    if (opts.tty && !opts.json) this.spinner = setInterval(() => this.draw(), 100);
  }

  /** What is being worked on now (the spinner's label), from the journal's clock offset. */
  workingOn(label: string | undefined, sinceMs?: number): void {
    this.working = label ? { label, since: sinceMs ?? this.now() } : undefined;
  }

  progress(items: Progress[]): void {
    for (const p of items) this.line(this.opts.json ? JSON.stringify(p) : progressLine(p));
  }

  output(l: OutputLine): void {
    // The job's outcome is the step line's mark.
    if (l.data.outcome !== undefined) return;
    if (this.opts.json) return this.line(JSON.stringify({ kind: 'output', ...l }));
    const text = `    │ ${l.message}`;
    this.line(this.opts.tty ? dim(text) : text);
  }

  /** A line of its own (JSON objects included), above the spinner. */
  line(text: string): void {
    if (this.spinner) this.opts.write(CLEAR_LINE);
    this.opts.write(`${text}\n`);
    if (this.spinner) this.draw();
  }

  stop(): void {
    if (!this.spinner) return;
    clearInterval(this.spinner);
    this.spinner = undefined;
    this.opts.write(CLEAR_LINE);
  }

  private draw(): void {
    if (!this.spinner || !this.working) return;
    this.frame = (this.frame + 1) % FRAMES.length;
    this.opts.write(`${CLEAR_LINE}${FRAMES[this.frame]} ${this.working.label} ${formatDuration(Math.max(0, this.now() - this.working.since))}`);
  }
}

/** `✓ detect   folder /src/app  0.3s` for a phase; steps are indented under it: `  ✓ execute  build web  12.3s`. */
export function progressLine(p: Progress): string {
  const mark = p.kind === 'phase' && p.outcome === 'failed' ? '✗' : '✓';
  const what = p.kind === 'phase' ? phaseSummary(p.phase, p.data) : stepSummary(p.step, p.service, p.data);
  return `${p.kind === 'step' ? '  ' : ''}${mark} ${p.phase.padEnd(8)} ${what ? `${what}  ` : ''}${formatDuration(p.durationMs)}`;
}

/** What a phase found: the source read (detect), the plan made, the URL verified. */
function phaseSummary(phase: string, data: Record<string, unknown>): string {
  if (phase === 'detect') {
    const s = data.source as { kind?: string; location?: string; gitRef?: string; commit?: string; baseDirectory?: string; image?: string } | undefined;
    if (!s) return '';
    const at = [s.gitRef, s.commit?.slice(0, 12)].filter(Boolean).join(' ');
    return [s.kind, s.image ?? s.location, at && `@ ${at}`, s.baseDirectory && `in ${s.baseDirectory}`].filter(Boolean).join(' ');
  }
  if (phase === 'plan') {
    if (data.planner === undefined) return '';
    const evidence = Array.isArray(data.evidence) && data.evidence.length > 0 ? ` (${data.evidence.join(', ')})` : '';
    const from = data.reusedFrom ? `reuses ${String(data.reusedFrom)}: ` : '';
    return `${from}${String(data.planner)}${evidence} → ${String(data.artifactKind)}, port ${String(data.internalPort)}${data.supportTier && data.supportTier !== 'supported' ? `, ${String(data.supportTier)}` : ''}`;
  }
  if (phase === 'verify' && data.accessUrl) return String(data.accessUrl);
  return '';
}

function stepSummary(step: string, service: string | null, data: Record<string, unknown>): string {
  const parts = [step, service];
  if (data.cached === true) parts.push('(cached)');
  if (typeof data.image === 'string' && step === 'pull') parts.push(data.image);
  if (typeof data.attempt === 'number') parts.push(`attempt ${data.attempt}`);
  return parts.filter(Boolean).join(' ');
}
