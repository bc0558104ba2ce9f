import { describe, expect, it } from 'vitest';
import { appDir, nodeApp } from '../support/apps.js';
import { planesOfSuite } from '../support/control-plane.js';
import { api, deploy, waitTerminal } from '../support/deploy.js';
import { uid } from '../support/docker.js';

// Guards around execute: one active attempt per resource, disk preflight, step deadlines, and a
// proxy that cannot run. Each ends with its catalogued code before anything is left running.
describe('execute guards', () => {
  const plane = planesOfSuite();

  it('a second attempt of a resource while one is active is deployment_in_progress', async () => {
    const p = await plane();
    const input = { name: 'busy', source: { kind: 'folder', location: appDir({ Dockerfile: `FROM berth/static:1\nRUN sleep 3 && echo ${uid()}\nCOPY index.html /srv/\n`, 'index.html': 'ok' }) }, network: { internalPort: 80 } };
    const first = await api<{ id: string }>(p, 'POST', '/api/deployments', input);
    const second = await api<{ error: { code: string; details: { activeDeploymentId: string } } }>(p, 'POST', '/api/deployments', input);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('deployment_in_progress');
    expect(second.body.error.details.activeDeploymentId).toBe(first.body.id);
    await waitTerminal(p, first.body.id);
  });

  it('a build on a nearly full target fails fast with disk_space_low', async () => {
    const p = await plane({ BERTH_MIN_FREE_BYTES: String(2 ** 60) });
    const d = await deploy(p, { name: 'big', source: { kind: 'folder', location: nodeApp({ '/': [200, 'x'] }) } });
    expect(d).toMatchObject({ status: 'failed', currentPhase: 'execute', error: { code: 'disk_space_low', phase: 'execute' } });
  });

  it('a step past its deadline is step_deadline_exceeded', async () => {
    const p = await plane({ BERTH_STEP_DEADLINES: '{"build":2}' });
    const started = Date.now();
    const d = await deploy(p, { name: 'slow-build', source: { kind: 'folder', location: appDir({ Dockerfile: `FROM berth/static:1\nRUN sleep 30 && echo ${uid()}\n` }) }, network: { internalPort: 80 } });
    expect(d).toMatchObject({ status: 'failed', error: { code: 'step_deadline_exceeded', phase: 'execute', details: { step: 'build', deadlineSeconds: 2 } } });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a proxy that cannot run fails the attempt with proxy_unavailable before any container starts', async () => {
    const p = await plane({ BERTH_CADDY_BIN: '/nonexistent/caddy' });
    const d = await deploy(p, { name: 'no-proxy', source: { kind: 'folder', location: appDir({ 'index.html': 'x' }) } });
    expect(d).toMatchObject({ status: 'failed', currentPhase: 'execute', error: { code: 'proxy_unavailable' } });
    expect(await p.targets.local.engine.listContainers({ 'dev.berth.deployment': d.id })).toEqual([]);
  });
});
