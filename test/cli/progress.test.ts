import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir } from '../support/apps.js';
import { runCli } from '../support/cli.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, viaProxy } from '../support/deploy.js';
import { docker, ensureRegistry, REGISTRY, uid } from '../support/docker.js';
import { followJsonStream } from '../../src/adapters/docker/json-stream.js';
import { BIN } from '../support/paths.js';

// Issue 12: following an attempt shows a duration per phase and step, streams the build's
// output while the build runs (masked; --quiet hides it), and ends with the URL, the total time
// and the next command, or the code and the recovery command readiness allows.

const PHASE_LINE = /^([✓✗]) (detect|plan|execute|verify|rollback)\s+(?:(.*?)\s+)?(\d+\.\d+s|\d+m\d{2}s)$/;
const STEP_LINE = /^ {2}([✓✗]) (detect|plan|execute|verify|rollback)\s+(\S+)(?:\s+(.*?))?\s+(\d+\.\d+s|\d+m\d{2}s)$/;

interface Timed {
  at: number;
  text: string;
}

/** Runs the CLI, noting when each stderr line arrived. */
function runTimed(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: Timed[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let partial = '';
    const stderr: Timed[] = [];
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const text of lines) stderr.push({ at: Date.now(), text });
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (partial) stderr.push({ at: Date.now(), text: partial });
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

interface JournalEvent {
  at: string;
  kind: string;
  phase: string | null;
  data: Record<string, unknown>;
}

describe('following an attempt: timings, live build output, the ending', () => {
  let plane: TestControlPlane;
  const run = uid();
  const canary = `canary${run}`;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  const slowBuild = (marker: string) =>
    appDir({
      // A unique step (no cached layer): the marker prints, the build sleeps, then goes on.
      Dockerfile: `FROM berth/static:1\nRUN echo ${marker}-start && echo API_TOKEN=${canary} && sleep 4 && echo ${marker}-after\nCOPY index.html /srv/index.html\n`,
      'index.html': `slow-${marker}`,
    });

  const events = async (id: string) => (await api<{ envelopes: { kind: string; event?: JournalEvent }[] }>(plane, 'GET', `/api/deployments/${id}/events`)).body.envelopes.flatMap((e) => (e.event ? [e.event] : []));

  it('prints a line per phase and step with its duration, and the build output before the build ends', async () => {
    const marker = `marker${run}`;
    const res = await runTimed(['up', slowBuild(marker), '--name', `progress-${run}`, '--port', '80'], plane.cliEnv);
    expect(res.code).toBe(0);
    const id = res.stderr.map((l) => l.text.match(/^deployment (dep_\w+) created$/)?.[1]).find(Boolean)!;
    expect(id).toMatch(/^dep_/);

    // A line per phase, in order, each with a duration; the detect line names the source it read.
    const phases = res.stderr.map((l) => l.text.match(PHASE_LINE)).filter((m) => m !== null);
    expect(phases.map((m) => [m[1], m[2]])).toEqual([['✓', 'detect'], ['✓', 'plan'], ['✓', 'execute'], ['✓', 'verify']]);
    expect(phases[0]![3]).toMatch(/^folder /);
    expect(phases[1]![3]).toMatch(/^dockerfile\b/);
    const execute = phases[2]![4]!;
    expect(Number.parseFloat(execute)).toBeGreaterThanOrEqual(4);

    // Steps with their durations: the build took at least the sleep.
    const steps = res.stderr.map((l) => l.text.match(STEP_LINE)).filter((m) => m !== null);
    const build = steps.find((m) => m[2] === 'execute' && m[3] === 'build');
    expect(build?.[4]).toBe('web');
    expect(Number.parseFloat(build![5]!)).toBeGreaterThanOrEqual(4);
    expect(steps.some((m) => m[2] === 'execute' && m[3] === 'start')).toBe(true);

    // The marker arrived on the CLI while the build still slept: before the build printed its
    // next line, and before the attempt reached verifying.
    // (The RUN line names both markers: only the lines the command printed count.)
    const printed = (text: string, what: string) => text.trim().endsWith(`│ ${what}`) || text.trim() === what;
    const seen = res.stderr.find((l) => printed(l.text, `${marker}-start`));
    expect(seen).toBeDefined();
    const log = (await api<{ entries: { at: string; message: string }[] }>(plane, 'GET', `/api/deployments/${id}/provider-log?limit=1000`)).body.entries;
    const after = log.find((e) => printed(e.message, `${marker}-after`));
    expect(after).toBeDefined();
    expect(seen!.at).toBeLessThan(Date.parse(after!.at));
    const verifying = (await events(id)).find((e) => e.kind === 'status' && e.data.status === 'verifying')!;
    expect(seen!.at).toBeLessThan(Date.parse(verifying.at));
    // The output comes between the build step's start and its line, masked, without control sequences.
    expect(res.stderr.findIndex((l) => printed(l.text, `${marker}-start`))).toBeLessThan(res.stderr.findIndex((l) => STEP_LINE.exec(l.text)?.[3] === 'build'));
    const all = res.stderr.map((l) => l.text).join('\n');
    expect(all).not.toContain(canary);
    expect(all).not.toContain('\x1b');
    expect(res.stdout).not.toContain('\x1b');

    // The ending: the URL with the total time, then the next command.
    const [live, next] = res.stdout.trim().split('\n');
    const url = live!.match(/^live at (\S+) in (\d+\.\d+s|\d+m\d{2}s)$/)?.[1];
    expect(url).toBeDefined();
    expect((await viaProxy(plane, url!)).body).toBe(`slow-${marker}`);
    expect(next).toMatch(/^next: berth resource logs res_\w+ --follow$/);
  }, 240_000);

  it('--json prints progress objects with durationMs per phase and step; --quiet hides the output', async () => {
    const followed = async (quiet: boolean) => {
      const marker = `json${quiet ? 'quiet' : 'loud'}${run}`;
      const res = await runCli(['up', slowBuild(marker), '--name', `progress-json-${quiet}-${run}`, '--port', '80', '--json', ...(quiet ? ['--quiet'] : [])], plane.cliEnv, { timeoutMs: 180_000 });
      expect(res.code).toBe(0);
      expect(res.json<{ status: string }>().status).toBe('succeeded');
      expect(res.stderr).not.toContain('\x1b');
      const objects = res.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      return { marker, objects };
    };

    const loud = await followed(false);
    const phases = loud.objects.filter((o) => o.kind === 'phase');
    expect(phases.map((p) => [p.phase, p.outcome])).toEqual([['detect', 'done'], ['plan', 'done'], ['execute', 'done'], ['verify', 'done']]);
    for (const p of phases) expect(p.durationMs).toEqual(expect.any(Number));
    expect(phases[0]!.data).toMatchObject({ source: { kind: 'folder' } });
    expect(phases[1]!.data).toMatchObject({ planner: 'dockerfile', internalPort: 80 });
    expect(phases[2]!.durationMs as number).toBeGreaterThanOrEqual(4000);
    const steps = loud.objects.filter((o) => o.kind === 'step');
    expect(steps.find((s) => s.step === 'build')).toMatchObject({ phase: 'execute', service: 'web', durationMs: expect.any(Number) });
    expect(steps.find((s) => s.step === 'build')!.durationMs as number).toBeGreaterThanOrEqual(4000);
    const output = loud.objects.filter((o) => o.kind === 'output');
    expect(output.some((o) => String(o.message).trim() === `${loud.marker}-start`)).toBe(true);
    expect(JSON.stringify(loud.objects)).not.toContain(canary);
    // The output line came before the build step ended.
    expect(loud.objects.findIndex((o) => o.kind === 'output' && String(o.message).trim() === `${loud.marker}-start`)).toBeLessThan(loud.objects.findIndex((o) => o.kind === 'step' && o.step === 'build'));
    expect(loud.objects.at(-1)).toMatchObject({ kind: 'end', status: 'succeeded', durationMs: expect.any(Number), elapsedMs: expect.any(Number), next: expect.stringMatching(/^berth resource logs res_/) });

    const quiet = await followed(true);
    expect(quiet.objects.filter((o) => o.kind === 'output')).toEqual([]);
    expect(quiet.objects.filter((o) => o.kind === 'phase').map((p) => p.phase)).toEqual(['detect', 'plan', 'execute', 'verify']);
    expect(JSON.stringify(quiet.objects)).not.toContain(quiet.marker);
  }, 360_000);

  it("a pull's status lines stream as output too", async () => {
    await ensureRegistry();
    const repo = `${REGISTRY}/berth-test/progress-pull-${run}`;
    const ref = `${repo}:1`;
    await docker().getImage('berth/static:1').tag({ repo, tag: '1' });
    try {
      await followJsonStream((await docker().getImage(repo).push({ tag: '1', authconfig: {} })) as NodeJS.ReadableStream, () => undefined);
      await docker().getImage(ref).remove(); // only this tag: the pull must fetch it
      const res = await runCli(['up', ref, '--name', `progress-pull-${run}`, '--port', '80', '--json'], plane.cliEnv, { timeoutMs: 180_000 });
      const objects = res.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(objects.find((o) => o.kind === 'step' && o.step === 'pull')).toMatchObject({ phase: 'execute', service: 'web', durationMs: expect.any(Number) });
      const pulled = objects.filter((o) => o.kind === 'output' && String(o.jobId).endsWith(':pull:web'));
      // The engine's status lines (the digest among them), not only Berth's own.
      expect(pulled.some((o) => String(o.message).startsWith('Digest: sha256:'))).toBe(true);
    } finally {
      await docker().getImage(ref).remove().catch(() => undefined);
    }
  }, 240_000);

  it('a failure ends with its code, remedies and the recovery command readiness allows', async () => {
    const bad = appDir({ Dockerfile: `FROM berth/static:1\nRUN echo failing-${run} && exit 3\n` });
    const res = await runCli(['up', bad, '--name', `progress-bad-${run}`, '--port', '80', '--json'], plane.cliEnv, { timeoutMs: 180_000 });
    const status = res.json<{ id: string; resourceId: string; status: string; error: { code: string; category: string; remedies: unknown[] } }>();
    expect({ status: status.status, code: status.error.code }).toEqual({ status: 'failed', code: 'image_build_failed' });
    expect(res.code).not.toBe(0);
    const objects = res.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects.filter((o) => o.kind === 'phase').map((p) => [p.phase, p.outcome])).toEqual([['detect', 'done'], ['plan', 'done'], ['execute', 'failed']]);
    const end = objects.at(-1) as { kind: string; code: string; recovery: { action: 'retry' | 'redeploy' | 'rollback'; command: string } | null; inspect: string };
    expect(end).toMatchObject({ kind: 'end', status: 'failed', code: 'image_build_failed' });

    const readiness = (await api<{ actions: Record<string, { allowed: boolean }> }>(plane, 'GET', `/api/deployments/${status.id}/recovery-readiness`)).body;
    expect(end.recovery).not.toBeNull();
    expect(readiness.actions[end.recovery!.action]!.allowed).toBe(true);
    const expected = { retry: `berth deployment retry ${status.id}`, redeploy: `berth resource redeploy ${status.resourceId}`, rollback: `berth deployment rollback ${status.id}` };
    expect(end.recovery!.command).toBe(expected[end.recovery!.action]);

    // The human ending: the error's code and remedies, then the same recovery command.
    const human = await runCli(['up', bad, '--name', `progress-bad-${run}`, '--port', '80'], plane.cliEnv, { timeoutMs: 180_000 });
    const lines = human.stderr.split('\n');
    expect(human.code).toBe(res.code);
    expect(lines.some((l) => l.startsWith('error image_build_failed '))).toBe(true);
    expect(lines.indexOf('  remedies:')).toBeGreaterThan(0);
    const retried = lines.map((l) => l.match(/^deployment (dep_\w+) created$/)?.[1]).find(Boolean)!;
    const again = (await api<{ actions: Record<string, { allowed: boolean }> }>(plane, 'GET', `/api/deployments/${retried}/recovery-readiness`)).body;
    const recover = lines.find((l) => l.startsWith('recover: '));
    const allowed = (['retry', 'redeploy', 'rollback'] as const).find((a) => again.actions[a]!.allowed)!;
    expect(recover).toBe(`recover: ${{ retry: `berth deployment retry ${retried}`, redeploy: `berth resource redeploy ${status.resourceId}`, rollback: `berth deployment rollback ${retried}` }[allowed]}`);
    expect(lines.some((l) => PHASE_LINE.exec(l)?.slice(1, 3).join(' ') === '✗ execute')).toBe(true);
  }, 360_000);
});
