import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir, nodeApp } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { deploy, viaProxy } from '../support/deploy.js';

// Acceptance (issue 3): one failing fixture per phase ends with the expected (code, phase, status).
describe('each failure ends with its code, phase and status', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  const expectFailure = async (input: Record<string, unknown>, code: string, phase: string, status = 'failed', currentPhase = phase) => {
    const d = await deploy(plane, input);
    expect({ status: d.status, code: d.error?.code, phase: d.error?.phase, currentPhase: d.currentPhase }).toEqual({ status, code, phase, currentPhase });
    expect(d.recoveryHint).toBeTruthy();
    return d;
  };
  // Long enough for a Node.js app to start on a loaded machine; failing ones end when it runs out.
  const fastHealth = { path: '/', timeoutSeconds: 12, intervalMs: 100 };

  it('unreadable source -> source_unreadable in detect', async () => {
    await expectFailure({ name: 'missing', source: { kind: 'folder', location: '/nonexistent/berth/app' } }, 'source_unreadable', 'detect');
  });

  it('unknown git ref -> source_ref_not_found in detect', async () => {
    const repo = appDir({ 'index.html': 'x' });
    const git = (...a: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...a]);
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'one');
    const d = await expectFailure({ name: 'bad-ref', source: { kind: 'git', location: repo, gitRef: 'no-such-branch' } }, 'source_ref_not_found', 'detect');
    expect(d.error!.details.gitRef).toBe('no-such-branch');
  });

  it('undetectable app -> app_type_undetected in detect', async () => {
    await expectFailure({ name: 'mystery', source: { kind: 'folder', location: appDir({ 'README.txt': 'nothing to run' }) } }, 'app_type_undetected', 'detect');
  });

  it('compose legacy field -> legacy_compose_field in plan', async () => {
    const dir = appDir({ 'compose.yaml': 'services:\n  web:\n    image: berth/static:1\n    links: [db]\n  db:\n    image: berth/static:1\n' });
    const d = await expectFailure({ name: 'legacy', source: { kind: 'compose', location: join(dir, 'compose.yaml') } }, 'legacy_compose_field', 'plan');
    expect(d.error!.details.field).toBe('services.web.links');
    expect(d.error!.details.modern_equivalent).toBe('networks');
  });

  it('the edge port (BERTH_HTTP_PORT) -> reserved_port in plan', async () => {
    const dir = appDir({ 'compose.yaml': `services:\n  web:\n    image: berth/static:1\n    ports: ["${plane.httpPort}:80"]\n` });
    const d = await expectFailure({ name: 'port80', source: { kind: 'compose', location: join(dir, 'compose.yaml') } }, 'reserved_port', 'plan');
    expect(d.error!.details).toMatchObject({ port: plane.httpPort, edgePorts: [plane.httpPort] });
  });

  it('build error -> image_build_failed in execute', async () => {
    const dir = appDir({ Dockerfile: 'FROM berth/static:1\nRUN exit 3\n' });
    const d = await expectFailure({ name: 'bad-build', source: { kind: 'folder', location: dir }, network: { internalPort: 80 } }, 'image_build_failed', 'execute');
    expect(d.error!.details.exitCode).toBe(3);
  });

  it('image absent from the registry -> image_pull_failed in execute', async () => {
    const d = await expectFailure({ name: 'no-image', source: { kind: 'image', location: '127.0.0.1:5999/berth/absent:1' }, network: { internalPort: 80 } }, 'image_pull_failed', 'execute');
    expect(d.error!.details.attempt).toBe(3);
  });

  // Verify runs with a bounded on-failure policy: a crash on every start uses up 3 restarts.
  it('crash on every start -> restart_exhausted in verify', async () => {
    const d = await expectFailure({ name: 'crasher', source: { kind: 'folder', location: nodeApp({}, { exitCode: 1 }) }, health: { ...fastHealth, timeoutSeconds: 60 } }, 'restart_exhausted', 'verify');
    expect(d.error!.details).toMatchObject({ service: 'web', restartCount: 3 });
  });

  it('a process that ends on its own (exit 0, not restarted) -> container_exited in verify', async () => {
    const d = await expectFailure({ name: 'quitter', source: { kind: 'folder', location: nodeApp({}, { exitCode: 0 }) }, health: fastHealth }, 'container_exited', 'verify');
    expect(d.error!.details.exitCode).toBe(0);
  });

  it('wrong internal port -> listener_port_mismatch in verify', async () => {
    const dir = nodeApp({ '/': [200, 'ok'] }, { port: '8081' });
    const d = await expectFailure({ name: 'wrong-port', source: { kind: 'folder', location: dir }, network: { internalPort: 8080 }, health: fastHealth }, 'listener_port_mismatch', 'verify');
    expect(d.error!.details.listeningPorts).toEqual([8081]);
  });

  it('health path answering 301 -> health_check_redirected in verify', async () => {
    const dir = nodeApp({ '/': [301, '', { location: '/login' }] });
    const d = await expectFailure({ name: 'redirector', source: { kind: 'folder', location: dir }, health: fastHealth }, 'health_check_redirected', 'verify');
    expect(d.error!.details).toMatchObject({ status: 301, location: '/login' });
  });

  it('health answering 500 -> health_check_failed in verify', async () => {
    const d = await expectFailure({ name: 'sick', source: { kind: 'folder', location: nodeApp({ '/': [500, 'sick'] }) }, health: fastHealth }, 'health_check_failed', 'verify');
    expect(d.error!.details.status).toBe(500);
  });

  it('a failed verify after a good version is rolled-back and the old version keeps serving', async () => {
    const good = await deploy(plane, { name: 'keeper', source: { kind: 'folder', location: nodeApp({ '/': [200, 'v1'] }) }, health: { ...fastHealth, timeoutSeconds: 20 } });
    expect(good.status).toBe('succeeded');
    const bad = await expectFailure({ name: 'keeper', source: { kind: 'folder', location: nodeApp({ '/': [500, 'v2'] }) }, health: fastHealth, relink: true }, 'health_check_failed', 'verify', 'rolled-back', 'rollback');
    expect(bad.resourceId).toBe(good.resourceId);
    const res = await viaProxy(plane, good.accessUrl!);
    expect(res).toEqual({ status: 200, body: 'v1' });
  });
});
