import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDeployInput } from '../../src/surfaces/cli/deploy-args.js';
import { appDir } from '../support/apps.js';
import { runCli } from '../support/cli.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, waitTerminal } from '../support/deploy.js';

// The build profile (berth.yml `build`) goes wherever the other profiles go: the resource record
// and its API, a deploy input (kept on the resource like runtime), the attempt's frozen snapshot,
// and the plan request, where the dockerfile planner turns its args into the build's ARG values.

type Err = { error: { code: string; details: { validationIssuePaths: string[]; validationIssueCodes: string[] } } };
type ResourceOut = { id: string; build: Record<string, unknown> };

describe('the build profile', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  it('round-trips through resource create, configure and show; other profiles are untouched', async () => {
    const plain = await api<ResourceOut>(plane, 'POST', '/api/resources', { name: 'plain' });
    expect(plain.body.build).toEqual({ hostTrust: true });

    const created = await runCli(['resource', 'create', 'built', '--build', '{"env":{"NODE_ENV":"production"},"secrets":["NPM_TOKEN"]}', '--json'], plane.cliEnv);
    expect(created.code).toBe(0);
    const id = created.json<ResourceOut>().id;
    expect(created.json<ResourceOut>().build).toEqual({ env: { NODE_ENV: 'production' }, secrets: ['NPM_TOKEN'], hostTrust: true });

    const configured = await runCli(['resource', 'configure', id, '--build', '{"args":{"APP_VERSION":"2"},"hostTrust":false}', '--json'], plane.cliEnv);
    expect(configured.code).toBe(0);
    const shown = await runCli(['resource', 'show', id, '--json'], plane.cliEnv);
    expect(shown.json<ResourceOut & { runtime: unknown }>()).toMatchObject({ build: { args: { APP_VERSION: '2' }, hostTrust: false }, runtime: { method: 'auto' } });
    expect(shown.json<ResourceOut>().build).not.toHaveProperty('env'); // configure replaces a profile whole

    const audit = await api<{ items: { type: string }[] }>(plane, 'GET', `/api/audit-events?aggregate=${id}`);
    expect(audit.body.items.map((e) => e.type)).toEqual(['resource.created', 'resource.updated']);
  });

  it('refuses an unknown build field and a bad variable name, naming the field, and changes nothing', async () => {
    const { body } = await api<ResourceOut>(plane, 'POST', '/api/resources', { name: 'strict', build: { env: { A: '1' } } });
    const cases: [unknown, string, string][] = [
      [{ cache: true }, 'build.cache', 'unsupported_field'],
      [{ env: { '1BAD': 'x' } }, 'build.env.1BAD', 'invalid_input'],
      [{ secrets: ['npm-token'] }, 'build.secrets.0', 'invalid_input'],
    ];
    for (const [build, path, code] of cases) {
      const r = await api<Err>(plane, 'PATCH', `/api/resources/${body.id}`, { build });
      expect(r.status, path).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
      expect(r.body.error.details.validationIssuePaths).toContain(path);
      expect(r.body.error.details.validationIssueCodes).toContain(code);
    }
    const deployed = await api<Err>(plane, 'POST', '/api/deployments', { name: 'strict', source: { kind: 'folder', location: appDir({}) }, build: { hostTrust: 'no' } });
    expect(deployed.body.error.details.validationIssuePaths).toContain('build.hostTrust');
    expect((await api<ResourceOut>(plane, 'GET', `/api/resources/${body.id}`)).body.build).toEqual({ env: { A: '1' }, hostTrust: true });
  });

  it('a deploy input carries it onto the resource and into the snapshot; a later deploy without one keeps it', async () => {
    // No app in the folder: the attempt fails in detect, after the snapshot is frozen.
    const location = appDir({ 'notes.txt': 'nothing to run' });
    const build = { env: { NODE_ENV: 'production' }, args: { APP_VERSION: '3' }, secrets: ['NPM_TOKEN'], hostTrust: false };
    const first = await api<{ id: string; resourceId: string }>(plane, 'POST', '/api/deployments', { name: 'deployed', source: { kind: 'folder', location }, build });
    expect(first.status).toBe(200);
    expect((await waitTerminal(plane, first.body.id)).error?.code).toBe('app_type_undetected');
    expect((await plane.store.resources.get(first.body.resourceId))?.build).toEqual(build);
    expect((await plane.store.deployments.get(first.body.id))?.snapshot.build).toEqual(build);

    const second = await api<{ id: string }>(plane, 'POST', '/api/deployments', { name: 'deployed', source: { kind: 'folder', location } });
    await waitTerminal(plane, second.body.id);
    expect((await plane.store.deployments.get(second.body.id))?.snapshot.build).toEqual(build);

    const redeploy = await api<{ id: string }>(plane, 'POST', `/api/resources/${first.body.resourceId}/redeploy`, {});
    expect(redeploy.status).toBe(200);
    await waitTerminal(plane, redeploy.body.id);
    expect((await plane.store.deployments.get(redeploy.body.id))?.snapshot.build).toEqual(build);
  });

  it("berth.yml's build section reaches the plan: a Dockerfile build gets build.args as its ARG values", async () => {
    const dir = appDir({ Dockerfile: 'FROM berth/static:1\nARG APP_VERSION\nEXPOSE 80\n' });
    writeFileSync(join(dir, 'berth.yml'), 'build:\n  args: { APP_VERSION: "4.0.1" }\n  env: { NODE_ENV: production }\n');
    expect(buildDeployInput(dir, {}).build).toEqual({ args: { APP_VERSION: '4.0.1' }, env: { NODE_ENV: 'production' }, hostTrust: true });

    const planned = await runCli(['plan', dir, '--name', 'argued', '--json'], plane.cliEnv);
    expect(planned.code).toBe(0);
    const plan = planned.json<{ status: string; plan: { planner: string; services: { build: Record<string, unknown> }[]; evidence: unknown[] } }>();
    expect(plan.status).toBe('ready');
    expect(plan.plan.planner).toBe('dockerfile');
    expect(plan.plan.services[0]?.build).toMatchObject({ kind: 'dockerfile', args: { APP_VERSION: '4.0.1' } });
    expect(plan.plan.evidence).toContainEqual({ kind: 'explicit', detail: 'build.args' });
  });
});
