import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api } from '../support/deploy.js';
import { localServerId } from './fixtures.js';

type Check = { name: string; status: string; detail: Record<string, unknown>; error?: { code: string; category: string } };
type Report = { serverId: string; ok: boolean; checks: Check[] };

const byName = (r: Report) => Object.fromEntries(r.checks.map((c) => [c.name, c]));

describe('berth server test', () => {
  let plane: TestControlPlane;
  let serverId: string;
  beforeAll(async () => {
    plane = await startTestControlPlane();
    await plane.targets.local.proxy.ensureRunning();
    serverId = await localServerId(plane);
  });
  afterAll(async () => plane?.close());

  it('passes every check of a healthy local target', async () => {
    const res = await runCli(['server', 'test', serverId, '--json'], plane.cliEnv);
    expect(res.code).toBe(0);
    const report = res.json<Report>();
    expect(report.ok).toBe(true);
    const checks = byName(report);
    expect(Object.keys(checks)).toEqual(['engine', 'proxy-admin', 'proxy-edge', 'disk']);
    expect(Object.values(checks).map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(typeof checks.engine!.detail.version).toBe('string');
    expect(checks.disk!.detail.freeBytes).toBeGreaterThan(0);
    expect(checks.disk!.detail.totalInodes).toBeGreaterThan(0);
  });

  it('a disk below the threshold is disk_space_low; an unknown server is server_not_found', async () => {
    const { body } = await api<Report>(plane, 'GET', `/api/servers/${serverId}/test?minFreeBytes=${Number.MAX_SAFE_INTEGER}`);
    expect(body.ok).toBe(false);
    expect(byName(body).disk).toMatchObject({ status: 'failing', error: { code: 'disk_space_low' }, detail: { reason: 'bytes' } });
    const missing = await api<{ error: { code: string } }>(plane, 'GET', '/api/servers/server_missing/test');
    expect(missing.body.error.code).toBe('server_not_found');
  });

  it('a proxy that cannot run fails both proxy checks with proxy_unavailable', async () => {
    const broken = await startTestControlPlane({ BERTH_CADDY_BIN: '/nonexistent/caddy' });
    try {
      const { body } = await api<Report>(broken, 'GET', `/api/servers/${await localServerId(broken)}/test`);
      const checks = byName(body);
      expect(body.ok).toBe(false);
      expect(checks.engine!.status).toBe('ok');
      expect(checks['proxy-admin']).toMatchObject({ status: 'failing', error: { code: 'proxy_unavailable', category: 'infra' } });
      expect(checks['proxy-edge']).toMatchObject({ status: 'failing', error: { code: 'proxy_unavailable' } });
      // Reading never starts the proxy.
      expect(broken.targets.local.proxy.pids()).toEqual({ edge: undefined, switch: undefined });
    } finally {
      await broken.close();
    }
  });

  it('an engine that does not answer fails with docker_error and skips the disk check', async () => {
    const other = await startTestControlPlane({ DOCKER_HOST: 'tcp://127.0.0.1:9' });
    try {
      const { body } = await api<Report>(other, 'GET', `/api/servers/${await localServerId(other)}/test`);
      const checks = byName(body);
      expect(checks.engine).toMatchObject({ status: 'failing', error: { code: 'docker_error' } });
      expect(checks.disk!.status).toBe('skipped');
    } finally {
      await other.close();
    }
  });
});
