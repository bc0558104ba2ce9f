import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir } from '../support/apps.js';
import { runCli } from '../support/cli.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy } from '../support/deploy.js';

interface ProviderLog {
  deploymentId: string;
  total: number;
  truncated: boolean;
  entries: { seq: number; provider: string; jobId: string | null; level: string; message: string; data: Record<string, unknown> }[];
}

// A build's own output is kept as provider job logs (apart from the attempt journal), masked,
// readable per attempt, and ends with the job's outcome: the evidence behind image_build_failed.
describe('provider job logs of an attempt', () => {
  let plane: TestControlPlane;
  const canary = `canary${Date.now().toString(36)}`;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  const read = async (id: string, limit?: number) => {
    const res = await runCli(['deployments', 'provider-log', id, ...(limit ? ['--limit', String(limit)] : []), '--json'], plane.cliEnv);
    expect(res.code).toBe(0);
    return res.json<ProviderLog>();
  };

  it('a successful build keeps its output, masked, and ends succeeded', async () => {
    const dir = appDir({
      Dockerfile: `FROM berth/static:1\nRUN echo marker-step-one && echo API_TOKEN=${canary}\nCOPY index.html /srv/index.html\n`,
      'index.html': 'built',
    });
    const d = await deploy(plane, { name: 'pjl-ok', source: { kind: 'folder', location: dir }, network: { internalPort: 80 } });
    expect(d.status).toBe('succeeded');

    const log = await read(d.id);
    expect(log.deploymentId).toBe(d.id);
    expect(log.entries.length).toBeGreaterThan(2);
    expect(new Set(log.entries.map((e) => e.provider))).toEqual(new Set(['local-docker']));
    expect(new Set(log.entries.map((e) => e.jobId))).toEqual(new Set([`${d.id}:build:web`]));
    expect(log.entries.some((e) => e.message.includes('marker-step-one'))).toBe(true);
    expect(JSON.stringify(log)).not.toContain(canary);
    expect(log.entries.at(-1)).toMatchObject({ level: 'info', data: { outcome: 'succeeded' } });
    // Ordered by sequence; a limit keeps the newest lines and says the rest exist.
    expect(log.entries.map((e) => e.seq)).toEqual([...log.entries.map((e) => e.seq)].sort((a, b) => a - b));
    const newest = await read(d.id, 2);
    expect(newest).toMatchObject({ total: log.total, truncated: true });
    expect(newest.entries.map((e) => e.seq)).toEqual(log.entries.slice(-2).map((e) => e.seq));
  });

  it('a failed build keeps the lines before the failure and ends with its code', async () => {
    const dir = appDir({ Dockerfile: 'FROM berth/static:1\nRUN echo marker-before-failure && exit 3\n' });
    const d = await deploy(plane, { name: 'pjl-bad', source: { kind: 'folder', location: dir }, network: { internalPort: 80 } });
    expect(d.error?.code).toBe('image_build_failed');

    const log = await read(d.id);
    expect(log.entries.some((e) => e.message.includes('marker-before-failure'))).toBe(true);
    expect(log.entries.at(-1)).toMatchObject({ level: 'error', data: { outcome: 'failed', code: 'image_build_failed' } });
  });

  it('an unknown attempt is deployment_not_found; an unknown field is refused', async () => {
    const missing = await api<{ error: { code: string } }>(plane, 'GET', '/api/deployments/dep_missing/provider-log');
    expect({ status: missing.status, code: missing.body.error.code }).toEqual({ status: 404, code: 'deployment_not_found' });
    const unknown = await api<{ error: { code: string; details: Record<string, unknown> } }>(plane, 'GET', '/api/deployments/dep_missing/provider-log?colour=red');
    expect(unknown.body.error.code).toBe('validation_failed');
  });
});
