import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir, nodeApp } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { runCli } from '../support/cli.js';
import { viaProxy } from '../support/deploy.js';

// `berth up [SOURCE] [--config berth.yml]` from the real CLI: creates or reuses the resource,
// shows progress, ends with the URL (or the error and its exit status).
describe('berth up', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  it('deploys a folder with its berth.yml and prints the live URL; a second up reuses the resource', async () => {
    const dir = nodeApp({ '/healthz': [200, 'healthy'], '/': [200, 'from-berth-yml'] });
    writeFileSync(join(dir, 'berth.yml'), 'name: yml-app\nnetwork:\n  internalPort: 4321\nhealth:\n  path: /healthz\n  timeoutSeconds: 20\n');
    const human = await runCli(['up', dir], plane.cliEnv, { timeoutMs: 120_000 });
    expect(human.code).toBe(0);
    const url = human.stdout.match(/live at (\S+)/)?.[1];
    expect(url).toMatch(/^http:\/\/yml-app\.production\.localhost:\d+$/);
    expect(human.stderr).toContain('verify');
    expect(await viaProxy(plane, url!)).toEqual({ status: 200, body: 'from-berth-yml' });

    const again = await runCli(['up', dir, '--json'], plane.cliEnv, { timeoutMs: 120_000 });
    expect(again.code).toBe(0);
    const status = again.json<{ status: string; resourceId: string; accessUrl: string }>();
    expect(status.status).toBe('succeeded');
    const resources = JSON.parse((await plane.client.raw('GET', '/api/resources')).body).items as { id: string; name: string; network: { internalPort: number } }[];
    expect(resources.filter((r) => r.name === 'yml-app')).toEqual([expect.objectContaining({ id: status.resourceId, network: { internalPort: 4321 } })]);
  });

  it('Ctrl-C stops watching, not the deployment', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../support/paths.js');
    const dir = nodeApp({ '/': [200, 'survives-ctrl-c'] });
    const child = spawn(process.execPath, [BIN, 'up', dir, '--name', 'interrupted-watch'], { env: plane.cliEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const created = new Promise<string>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = stderr.match(/deployment (dep_\w+) created/);
        if (m) resolve(m[1]!);
      }),
    );
    const id = await created;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(code).toBe(130);
    const { waitTerminal } = await import('../support/deploy.js');
    const final = await waitTerminal(plane, id);
    expect(final.status).toBe('succeeded');
    expect(await viaProxy(plane, final.accessUrl!)).toEqual({ status: 200, body: 'survives-ctrl-c' });
  }, 120_000);

  it('a failing deploy exits with the category status and the error object', async () => {
    const dir = nodeApp({ '/': [500, 'nope'] });
    writeFileSync(join(dir, 'berth.yml'), 'health:\n  path: /\n  timeoutSeconds: 15\n');
    const res = await runCli(['up', dir, '--name', 'failing-up', '--json'], plane.cliEnv, { timeoutMs: 120_000 });
    // health_check_failed is a validation error: exit status 2.
    expect(res.code).toBe(2);
    expect(res.json<{ status: string; error: { code: string } }>()).toMatchObject({ status: 'failed', error: { code: 'health_check_failed' } });
  }, 120_000);

  it('a broken berth.yml is parse_failed with the file and line; an unknown field is unsupported_field', async () => {
    const bad = appDir({ 'index.html': 'x', 'berth.yml': 'name: ok\nnetwork: [unclosed\n' });
    const res = await runCli(['up', bad, '--json'], plane.cliEnv);
    expect(res.code).toBe(2);
    const err = res.json<{ error: { code: string; details: { file: string; line: number } } }>().error;
    expect(err.code).toBe('parse_failed');
    expect(err.details.file).toBe(join(bad, 'berth.yml'));
    expect(err.details.line).toBeGreaterThan(0);

    const unknown = appDir({ 'index.html': 'x', 'berth.yml': 'name: ok\nreplicas: 3\n' });
    const res2 = await runCli(['plan', unknown, '--json'], plane.cliEnv);
    expect(res2.json<{ error: { code: string; details: { validationIssueCodes: string[]; validationIssuePaths: string[] } } }>().error).toMatchObject({
      code: 'validation_failed',
      details: { validationIssueCodes: ['unsupported_field'], validationIssuePaths: ['replicas'] },
    });
  });
});
