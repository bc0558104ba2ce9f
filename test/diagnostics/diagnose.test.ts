import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir, nodeApp } from '../support/apps.js';
import { runCli } from '../support/cli.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy, type DeploymentStatus } from '../support/deploy.js';
import { uid } from '../support/docker.js';
import { dockerObjectsOf } from '../support/docker-objects.js';
import { removeObjectsOf } from './fixtures.js';

type Bundle = {
  copySafe: boolean;
  generatedAt: string;
  redactedFields: string[];
  resource: { id: string; secretNames: string[] };
  server: { kind: string } | null;
  status: Record<string, { state: string }>;
  lastDeployment: {
    id: string;
    status: string;
    error: { code: string; details: { logTail?: string } } | null;
    events: { seq: number }[];
    eventsTruncated: boolean;
    providerLog: { total: number; lines: { jobId: string | null; level: string; message: string }[] };
  };
  logs: { deploymentId: string; services: { service: string; lines: string[] }[] };
  recovery: { source: string; readiness: { deploymentId: string; actions: Record<string, unknown> } | null; errorCode: string | null; recoveryHint: string | null; nextActions: { kind: string; command: string }[] };
  proxy: { state: string; observed: { upstream: string } | null; expectedUpstream: string | null };
  engine: { reachable: boolean; info: { version: string } | null };
};

// An app that prints its secret and exits (0: not restarted): verify fails with container_exited,
// whose details quote the log tail, and the previous version keeps serving.
const leaky = () =>
  appDir({
    'package.json': JSON.stringify({ name: 'leaky', version: '1.0.0', scripts: { start: 'node server.js' } }),
    'server.js': "console.log('token=' + process.env.API_TOKEN); console.log('using ' + process.env.API_TOKEN); process.exit(0);\n",
  });

describe('berth resource diagnose', () => {
  let plane: TestControlPlane;
  let good: DeploymentStatus;
  let bad: DeploymentStatus;
  const name = `diag-${uid()}`;
  const secret = `sec-${uid()}${uid()}`;
  beforeAll(async () => {
    plane = await startTestControlPlane();
    good = await deploy(plane, { name, source: { kind: 'folder', location: nodeApp({ '/': [200, 'ok'] }) } });
    expect(good.status).toBe('succeeded');
    await api(plane, 'POST', `/api/resources/${good.resourceId}/secrets`, { name: 'API_TOKEN', value: secret });
    bad = await deploy(plane, { resourceId: good.resourceId, source: { kind: 'folder', location: leaky() }, health: { path: '/', timeoutSeconds: 10, intervalMs: 100 }, relink: true });
  });
  afterAll(async () => {
    await plane?.close();
    if (good) await removeObjectsOf([good.resourceId]);
  });

  it('bundles status, last deployment and events, logs, recovery, proxy and engine, copy-safe', async () => {
    expect(bad).toMatchObject({ status: 'rolled-back', error: { code: 'container_exited' } });
    const { status, body } = await api<Bundle>(plane, 'GET', `/api/resources/${good.resourceId}/diagnose`);
    expect(status).toBe(200);
    expect(body.copySafe).toBe(true);
    expect(body.resource).toMatchObject({ id: good.resourceId, secretNames: ['API_TOKEN'] });
    expect(body.server?.kind).toBe('local');
    expect(Object.keys(body.status).sort()).toEqual(['accessUrl', 'certificate', 'deployment', 'proxy', 'resource', 'runtime']);
    expect([body.status.deployment!.state, body.status.runtime!.state, body.status.proxy!.state, body.status.accessUrl!.state]).toEqual(['rolled-back', 'running', 'ready', 'ready']);

    expect(body.lastDeployment).toMatchObject({ id: bad.id, status: 'rolled-back', error: { code: 'container_exited' } });
    const seqs = body.lastDeployment.events.map((e) => e.seq);
    expect(seqs.length).toBeGreaterThan(3);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // The error quotes the app's output: the secret is masked by name and by value.
    expect(body.lastDeployment.error!.details.logTail).toContain('token=[redacted]');
    expect(body.lastDeployment.error!.details.logTail).toContain('using [redacted]');
    expect(JSON.stringify(body)).not.toContain(secret);
    // The newest lines of its image build, ending with the build's outcome.
    expect(body.lastDeployment.providerLog.total).toBeGreaterThan(body.lastDeployment.providerLog.lines.length);
    expect(body.lastDeployment.providerLog.lines).toHaveLength(20);
    expect(new Set(body.lastDeployment.providerLog.lines.map((l) => l.jobId))).toEqual(new Set([`${bad.id}:build:web`]));
    expect(body.lastDeployment.providerLog.lines.at(-1)!.level).toBe('info');

    expect(body.logs.deploymentId).toBe(good.id);
    expect(body.logs.services[0]!.lines.some((l) => l.includes('listening'))).toBe(true);
    expect(body.recovery).toMatchObject({ errorCode: 'container_exited' });
    expect(body.recovery).toMatchObject({ source: 'readiness', readiness: { deploymentId: bad.id } });
    expect(Object.keys(body.recovery.readiness!.actions).sort()).toEqual(['cancel', 'redeploy', 'retry', 'rollback']);
    expect(body.recovery.recoveryHint).toBeTruthy();
    expect(body.recovery.nextActions.map((a) => a.kind)).toContain('logs');
    expect(body.proxy.state).toBe('observed');
    expect(body.proxy.observed!.upstream).toBe(body.proxy.expectedUpstream);
    expect(body.engine.reachable).toBe(true);
    expect(typeof body.engine.info!.version).toBe('string');

    const few = await api<Bundle>(plane, 'GET', `/api/resources/${good.resourceId}/diagnose?events=2&logLines=1`);
    expect(few.body.lastDeployment.events.map((e) => e.seq)).toEqual(seqs.slice(-2));
    expect(few.body.lastDeployment.eventsTruncated).toBe(true);
    expect(few.body.logs.services[0]!.lines).toHaveLength(1);
    const noLines = await api<Bundle>(plane, 'GET', `/api/resources/${good.resourceId}/diagnose?providerLines=0`);
    expect(noLines.body.lastDeployment.providerLog).toEqual({ total: body.lastDeployment.providerLog.total, lines: [] });

    const missing = await api<{ error: { code: string } }>(plane, 'GET', '/api/resources/res_missing/diagnose');
    expect(missing.body.error.code).toBe('resource_not_found');
  });

  it('changes nothing: store rows, Docker objects, container states and proxy routes are identical', async () => {
    const docker = new Docker({ socketPath: '/var/run/docker.sock' });
    const snapshot = async () => {
      const objects = await dockerObjectsOf([good.resourceId], [name]);
      const states = await Promise.all(
        objects.containers!.map(async (id) => {
          const s = (await docker.getContainer(id).inspect()).State;
          return [id, s.Status, s.StartedAt, s.Pid];
        }),
      );
      return { rows: await plane.store.countRows(), objects, states, routes: await plane.targets.local.proxy.listRoutes() };
    };
    const before = await snapshot();
    expect((await api(plane, 'GET', `/api/resources/${good.resourceId}/diagnose`)).status).toBe(200);
    const cli = await runCli(['resource', 'diagnose', good.resourceId, '--json'], plane.cliEnv);
    expect(cli.code).toBe(0);
    expect(cli.json<Bundle>().lastDeployment.id).toBe(bad.id);
    expect(cli.stdout).not.toContain(secret);
    expect(await snapshot()).toEqual(before);
  });
});
