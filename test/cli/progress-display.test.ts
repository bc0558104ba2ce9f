import { describe, expect, it } from 'vitest';
import { AttemptProgress, type JournalEventView } from '../../src/surfaces/cli/attempt-progress.js';
import { ProgressDisplay } from '../../src/surfaces/cli/progress-display.js';

// The pure parts of following an attempt: durations come from the journal's timestamps, and
// control sequences (spinner, dimming) are drawn only on a terminal, never with --json.

const t0 = Date.parse('2026-01-01T00:00:00.000Z');
const ev = (ms: number, kind: string, phase: string | null, data: Record<string, unknown> = {}): JournalEventView => ({ at: new Date(t0 + ms).toISOString(), kind, phase, data });

describe('attempt progress from the journal', () => {
  it('times each phase and step from the event timestamps', () => {
    const p = new AttemptProgress();
    const out = [
      ev(0, 'status', 'detect', { status: 'planning' }),
      ev(300, 'phase', 'detect', { source: { kind: 'folder', location: '/app' } }),
      ev(350, 'status', 'plan', { status: 'planned' }),
      ev(400, 'phase', 'plan', { planner: 'dockerfile' }),
      ev(500, 'status', 'execute', { status: 'running' }),
      ev(600, 'step', 'execute', { step: 'server-lock', waitedMs: 40 }),
      ev(700, 'step', 'execute', { step: 'build', service: 'web' }),
      ev(12_700, 'log', 'execute', { step: 'build', service: 'web', tail: [] }),
      ev(12_800, 'step', 'execute', { step: 'start', service: 'web' }),
      ev(13_000, 'status', 'verify', { status: 'verifying' }),
      ev(13_500, 'health', 'verify', { service: 'web' }),
      ev(14_000, 'phase', 'verify', { accessUrl: 'http://x' }),
      ev(14_100, 'status', 'verify', { status: 'succeeded' }),
    ].flatMap((e) => p.feed(e));
    const summary = out.map((o) => (o.kind === 'phase' ? `${o.phase}:${o.outcome}:${o.durationMs}` : `${o.phase}/${o.step}:${o.durationMs}`));
    expect(summary).toEqual(['detect:done:300', 'plan:done:100', 'execute/server-lock:40', 'execute/build:12000', 'execute/start:200', 'execute:done:12600', 'verify:done:1000']);
    expect({ status: p.status, totalMs: p.totalMs }).toEqual({ status: 'succeeded', totalMs: 14_100 });
  });

  it('a phase followed by rollback failed; the terminal status ends what is open as failed', () => {
    const p = new AttemptProgress();
    const out = [
      ev(0, 'status', 'detect', { status: 'planning' }),
      ev(100, 'phase', 'detect', {}),
      ev(200, 'status', 'verify', { status: 'verifying' }),
      ev(1200, 'step', 'rollback', { step: 'remove-new-containers' }),
      ev(1500, 'status', 'rollback', { status: 'rolled-back' }),
    ].flatMap((e) => p.feed(e));
    expect(out.map((o) => [o.kind, o.phase, o.kind === 'phase' ? o.outcome : o.step, o.durationMs])).toEqual([
      ['phase', 'detect', 'done', 100],
      ['phase', 'verify', 'failed', 1100],
      ['step', 'rollback', 'remove-new-containers', 300],
      ['phase', 'rollback', 'failed', 300],
    ]);
  });
});

describe('progress display', () => {
  const show = async (opts: { json: boolean; tty: boolean }) => {
    let written = '';
    const d = new ProgressDisplay({ ...opts, write: (t) => void (written += t) });
    d.workingOn('execute build');
    await new Promise((r) => setTimeout(r, 250));
    d.progress([{ kind: 'step', phase: 'execute', step: 'build', service: 'web', durationMs: 12_300, data: {} }]);
    d.output({ seq: 1, jobId: 'j', level: 'info', message: 'Step 1/2', data: {} });
    d.stop();
    return written;
  };

  it('draws a spinner and dims the output only on a terminal', async () => {
    const tty = await show({ json: false, tty: true });
    expect(tty).toContain('\x1b[2K');
    expect(tty).toContain('\x1b[2m');
    expect(tty).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] execute build/);

    const plain = await show({ json: false, tty: false });
    expect(plain).not.toContain('\x1b');
    expect(plain.split('\n')).toEqual(['  ✓ execute  build web  12.3s', '    │ Step 1/2', '']);
  });

  it('--json writes one object a line and no control sequence, even on a terminal', async () => {
    const json = await show({ json: true, tty: true });
    expect(json).not.toContain('\x1b');
    const objects = json.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects).toEqual([
      { kind: 'step', phase: 'execute', step: 'build', service: 'web', durationMs: 12_300, data: {} },
      { kind: 'output', seq: 1, jobId: 'j', level: 'info', message: 'Step 1/2', data: {} },
    ]);
  });
});
