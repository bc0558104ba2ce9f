import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { runCli } from '../support/cli.js';
import { freshStore } from '../support/store.js';

type Check = { name: string; status: string; error?: { code: string } };

describe('berth doctor', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    // No Caddy binary: the managed proxy cannot run, and doctor must say so with a code.
    plane = await startTestControlPlane({ BERTH_CADDY_BIN: '/nonexistent/caddy' });
  });
  afterAll(async () => plane?.close());

  it('reports each check with a status, and a catalogued code when failing', async () => {
    const res = await runCli(['doctor', '--json'], plane.cliEnv);
    expect(res.code).toBe(0);
    const { ok, checks } = res.json<{ ok: boolean; checks: Check[] }>();
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual(['control-plane', 'docker', 'edge-port', 'proxy', 'state-store']);
    expect(byName['state-store']!.status).toBe('ok');
    expect(byName['control-plane']!.status).toBe('ok');
    expect(byName.proxy!.status).toBe('failing');
    expect(byName.proxy!.error!.code).toBe('proxy_unavailable');
    expect(ok).toBe(false);
  });

  it('a Docker engine that does not answer is docker_error', async () => {
    const other = await startTestControlPlane({ DOCKER_HOST: 'tcp://127.0.0.1:9' });
    try {
      const res = await other.client.raw('GET', '/api/doctor');
      const docker = (JSON.parse(res.body).checks as Check[]).find((c) => c.name === 'docker')!;
      expect(docker.status).toBe('failing');
      expect(docker.error!.code).toBe('docker_error');
    } finally {
      await other.close();
    }
  });

  it('an unreachable PostgreSQL is state_store_unavailable at startup', async () => {
    const store = await freshStore();
    const res = await runCli(['serve', '--port', '0', '--json'], { ...process.env, BERTH_HOME: store.home, BERTH_DATABASE_URL: 'postgres://nobody:secretpw@127.0.0.1:9/none' });
    expect(res.code).toBe(7);
    const err = res.json<{ error: { code: string; phase: string } }>().error;
    expect(err.code).toBe('state_store_unavailable');
    expect(err.phase).toBe('startup');
    expect(res.stdout).not.toContain('secretpw');
  });
});
