import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/surfaces/cli/exit-codes.js';
import { appDir } from '../support/apps.js';
import { runCli } from '../support/cli.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api } from '../support/deploy.js';
import { ROOT } from '../support/paths.js';

// One rejection shape: a compose file Berth cannot run gives the same answer from `berth plan`
// and `berth up` (the blocked plan, with its code and reason code, and the same exit status),
// whether the control plane or the CLI found the problem; `berth up` creates nothing.

interface Blocked {
  status: string;
  plan: unknown;
  blocked: { phase: string; code: string; reasonCode: string; fixPath: string | null; overridePath: string | null; error: { code: string; category: string; details: Record<string, unknown> } };
}

describe('a compose file Berth cannot run', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  const both = async (compose: string, name: string) => {
    const plan = await runCli(['plan', compose, '--name', name, '--json'], plane.cliEnv);
    const up = await runCli(['up', compose, '--name', name, '--json'], plane.cliEnv, { timeoutMs: 60_000 });
    return { plan, up };
  };

  const deploymentCount = async () => (await api<{ items: unknown[] }>(plane, 'GET', '/api/deployments')).body.items.length;

  const expectSameRefusal = async (compose: string, name: string, expected: Partial<Blocked['blocked']>) => {
    const before = await deploymentCount();
    const { plan, up } = await both(compose, name);
    const [p, u] = [plan.json<Blocked>(), up.json<Blocked>()];
    expect(p.status).toBe('blocked');
    expect(p.blocked).toMatchObject(expected);
    // Same shape, same fields, same exit status (the error category's).
    expect({ ...u.blocked, error: { ...u.blocked.error, correlationId: undefined } }).toEqual({ ...p.blocked, error: { ...p.blocked.error, correlationId: undefined } });
    expect(u.status).toBe('blocked');
    expect(plan.code).toBe(EXIT_CODES[p.blocked.error.category as keyof typeof EXIT_CODES]);
    expect(plan.code).not.toBe(0);
    expect(up.code).toBe(plan.code);
    // Nothing was created: no resource, no attempt.
    const resources = await api<{ items: { name: string }[] }>(plane, 'GET', '/api/resources');
    expect(resources.body.items.map((r) => r.name)).not.toContain(name);
    expect(await deploymentCount()).toBe(before);
    return p.blocked;
  };

  it('a compose file Berth can run: plan is ready and up deploys it, both exiting 0', async () => {
    const dir = appDir({
      'compose.yaml': 'services:\n  db:\n    image: berth/static:${STATIC_TAG:-1}\n    expose: ["5432"]\n  site:\n    build: ./site\n    expose: ["80"]\n',
      'site/Dockerfile': 'FROM berth/static:1\nCOPY index.html /srv/index.html\n',
      'site/index.html': 'runnable',
    });
    const plan = await runCli(['plan', join(dir, 'compose.yaml'), '--name', 'runnable', '--json'], plane.cliEnv);
    expect(plan.code).toBe(0);
    expect(plan.json<{ status: string; plan: { routedService: string } }>()).toMatchObject({ status: 'ready', plan: { routedService: 'site' } });
    const up = await runCli(['up', join(dir, 'compose.yaml'), '--name', 'runnable', '--json'], plane.cliEnv, { timeoutMs: 120_000 });
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.json<{ status: string }>().status).toBe('succeeded');
  }, 150_000);

  it('found by the control plane: a bind mount of the client’s files is the same blocked plan from both', async () => {
    const dir = join(appDir({}), 'unrunnable');
    cpSync(join(ROOT, 'test/fixtures/compose/unrunnable'), dir, { recursive: true });
    const blocked = await expectSameRefusal(join(dir, 'compose.yaml'), 'unrunnable', { phase: 'plan', code: 'plan_blocked', reasonCode: 'compose_bind_mount_relative', fixPath: 'services.site.volumes.0' });
    expect(blocked.error.details.reasonCode).toBe('compose_bind_mount_relative');
  }, 120_000);

  it('found by the CLI while reading the file: an unresolved variable and an unsupported field, same shape', async () => {
    const dir = appDir({ 'compose.yaml': 'services:\n  web:\n    image: app:${TAG}\n    expose: [80]\n' });
    const unresolved = await expectSameRefusal(join(dir, 'compose.yaml'), 'unresolved', { phase: 'plan', code: 'compose_variable_unresolved', reasonCode: 'compose_variable_unresolved' });
    expect(unresolved.error.details).toEqual({ variable: 'TAG', field: 'services.web.image', reason: 'unset' });

    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: app\n    expose: [80]\n    privileged: true\n');
    const unsupported = await expectSameRefusal(join(dir, 'compose.yaml'), 'unsupported', { code: 'validation_failed', reasonCode: 'validation_failed' });
    expect(unsupported.error.details).toMatchObject({ validationIssueCodes: ['unsupported_field'], validationIssuePaths: ['services.web.privileged'] });
  }, 120_000);
});
