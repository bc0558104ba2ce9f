import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { deploy, viaProxy, waitTerminal, type DeploymentStatus } from '../support/deploy.js';
import { ensureRegistry, REGISTRY, uid } from '../support/docker.js';
import { fastHealth, site } from '../recovery/support.js';

// Issue 9: redeploy, retry and rollback follow the attempt like `berth up` does, to its end,
// with the same ending and exit status; --no-wait returns at once with the attempt.
describe('recovery commands follow their attempt', () => {
  let plane: TestControlPlane;
  const run = uid();
  beforeAll(async () => {
    await ensureRegistry();
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  type Followed = DeploymentStatus & { trigger: string };
  const cli = (...args: string[]) => runCli([...args, '--json'], plane.cliEnv, { timeoutMs: 120_000 });

  it('redeploy and rollback follow to success and exit 0; --no-wait returns the created attempt', async () => {
    const v1 = await deploy(plane, { name: 'followed', source: { kind: 'folder', location: site(`v1-${run}`) }, health: fastHealth });
    const v2 = await deploy(plane, { name: 'followed', source: { kind: 'folder', location: site(`v2-${run}`) }, health: fastHealth, relink: true });
    expect([v1.status, v2.status]).toEqual(['succeeded', 'succeeded']);

    const redeployed = await cli('resource', 'redeploy', v1.resourceId);
    expect(redeployed.code).toBe(0);
    const r = redeployed.json<Followed>();
    expect({ status: r.status, trigger: r.trigger }).toEqual({ status: 'succeeded', trigger: 'redeploy' });
    expect((await viaProxy(plane, r.accessUrl!)).body).toContain(`v2-${run}`);

    const rolledBack = await cli('deployments', 'rollback', r.id);
    expect(rolledBack.code).toBe(0);
    const rb = rolledBack.json<Followed>();
    expect({ status: rb.status, trigger: rb.trigger }).toEqual({ status: 'succeeded', trigger: 'rollback' });

    // The human form ends the same way: exit 0 once the attempt is terminal.
    const human = await runCli(['deployment', 'redeploy', v1.resourceId], plane.cliEnv, { timeoutMs: 120_000 });
    expect(human.code).toBe(0);
    const newest = JSON.parse((await plane.client.raw('GET', `/api/deployments?resourceId=${v1.resourceId}&limit=1`)).body).items[0] as DeploymentStatus;
    expect(newest.status).toBe('succeeded');

    const started = Date.now();
    const noWait = await cli('resource', 'redeploy', v1.resourceId, '--no-wait');
    expect(noWait.code).toBe(0);
    const created = noWait.json<Followed>();
    expect({ status: created.status, trigger: created.trigger }).toEqual({ status: 'created', trigger: 'redeploy' });
    expect(created.id).toMatch(/^dep_/);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((await waitTerminal(plane, created.id)).status).toBe('succeeded');
  }, 300_000);

  it('retry follows to the failure and exits with its category status', async () => {
    const d = await deploy(plane, { name: 'followed-pull', source: { kind: 'image', location: `${REGISTRY}/berth-test/follow-${run}:1` }, network: { internalPort: 80 }, health: fastHealth });
    expect({ status: d.status, code: d.error?.code }).toEqual({ status: 'failed', code: 'image_pull_failed' });
    const retried = await cli('deployments', 'retry', d.id);
    // image_pull_failed is a provider error: exit status 8.
    expect(retried.code).toBe(8);
    const r = retried.json<Followed>();
    expect({ status: r.status, trigger: r.trigger, code: r.error?.code }).toEqual({ status: 'failed', trigger: 'retry', code: 'image_pull_failed' });
    expect(r.id).not.toBe(d.id);
  }, 300_000);
});
