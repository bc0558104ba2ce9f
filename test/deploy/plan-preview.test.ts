import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir, nodeApp } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api } from '../support/deploy.js';
import { dockerObjectsOf } from '../support/docker-objects.js';
import { runCli } from '../support/cli.js';

// Acceptance (issue 3): plan preview runs detect + plan only; store row counts and Docker
// objects are identical before and after, whether the plan is ready or blocked.
describe.sequential('plan preview', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());
  const names = ['previewed', 'nothing', 'noport'];
  const dockerObjects = async () => dockerObjectsOf((await plane.store.resources.list()).map((r) => r.id), names);

  it('shows the plan of a Node.js app and changes nothing', async () => {
    const dir = nodeApp({ '/': [200, 'x'] });
    // An existing resource, so the preview also reads its profiles.
    await api(plane, 'POST', '/api/resources', { name: 'previewed', network: { internalPort: 4000 } });
    const rowsBefore = await plane.store.countRows();
    const dockerBefore = await dockerObjects();
    const res = await runCli(['plan', dir, '--name', 'previewed', '--json'], plane.cliEnv);
    expect(res.code).toBe(0);
    const out = res.json<{ status: string; resourceId: string | null; plan: Record<string, unknown> }>();
    expect(out.status).toBe('ready');
    expect(out.resourceId).toMatch(/^res_/);
    expect(out.plan).toMatchObject({ planner: 'node', supportTier: 'supported', artifactKind: 'image', internalPort: 4000 });
    expect((out.plan.commands as { start: string }).start).toBeTruthy();
    expect((out.plan.evidence as unknown[]).length).toBeGreaterThan(0);
    expect(await plane.store.countRows()).toEqual(rowsBefore);
    expect(await dockerObjects()).toEqual(dockerBefore);
  });

  it('a blocked preview names phase, reason, evidence, fix and override paths, and changes nothing', async () => {
    const dir = appDir({ 'notes.txt': 'no app here' });
    const rowsBefore = await plane.store.countRows();
    const dockerBefore = await dockerObjects();
    const { status, body } = await api<{ status: string; blocked: Record<string, unknown> }>(plane, 'POST', '/api/deployments/plan', { name: 'nothing', source: { kind: 'folder', location: dir } });
    expect(status).toBe(200);
    expect(body.status).toBe('blocked');
    expect(body.blocked).toMatchObject({ phase: 'detect', code: 'app_type_undetected', overridePath: 'runtime.method', profileField: 'runtime' });
    expect(body.blocked.fixPath).toBeTruthy();
    expect((body.blocked.evidence as unknown[]).length).toBeGreaterThan(0);
    const dockerfileWithoutPort = appDir({ Dockerfile: 'FROM berth/static:1\n' });
    const noPort = await api<{ blocked: { code: string; phase: string; profileField: string } }>(plane, 'POST', '/api/deployments/plan', { name: 'noport', source: { kind: 'folder', location: dockerfileWithoutPort } });
    expect(noPort.body.blocked).toMatchObject({ code: 'internal_port_missing', phase: 'plan', profileField: 'network.internalPort' });
    expect(await plane.store.countRows()).toEqual(rowsBefore);
    expect(await dockerObjects()).toEqual(dockerBefore);
  });
});
