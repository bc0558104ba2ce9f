import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { runCli } from '../support/cli.js';

type Err = { error: { code: string; phase: string; details: Record<string, unknown> } };

describe('projects, environments, resources, servers', () => {
  let plane: TestControlPlane;
  const call = (method: string, path: string, body?: unknown) => plane.client.raw(method, path, body === undefined ? undefined : JSON.stringify(body)).then((r) => ({ status: r.status, body: JSON.parse(r.body) }));
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  it('registers the local server automatically', async () => {
    const list = await runCli(['server', 'list', '--json'], plane.cliEnv);
    const items = list.json<{ items: { name: string; kind: string }[] }>().items;
    expect(items).toEqual([expect.objectContaining({ name: 'local', kind: 'local' })]);
  });

  it('creates a project, an environment and a resource with profiles, each audited', async () => {
    const project = await call('POST', '/api/projects', { name: 'shop' });
    expect(project.status).toBe(200);
    const env = await call('POST', '/api/environments', { projectId: project.body.id, name: 'staging' });
    expect(env.body.projectId).toBe(project.body.id);
    const res = await runCli(
      ['resource', 'create', 'api', '--environment-id', env.body.id, '--network', '{"internalPort":3000}', '--health', '{"path":"/healthz"}', '--json'],
      plane.cliEnv,
    );
    expect(res.code).toBe(0);
    const resource = res.json<{ id: string; network: { internalPort: number }; health: { path: string; timeoutSeconds: number } }>();
    expect(resource.network.internalPort).toBe(3000);
    expect(resource.health).toMatchObject({ path: '/healthz', timeoutSeconds: 30 });

    const configured = await call('PATCH', `/api/resources/${resource.id}`, { network: { internalPort: 8080 } });
    expect(configured.body.network.internalPort).toBe(8080);
    expect(configured.body.health.path).toBe('/healthz');

    const audit = await call('GET', `/api/audit-events?aggregate=${resource.id}`);
    expect(audit.body.items.map((e: { type: string }) => e.type)).toEqual(['resource.created', 'resource.updated']);
    expect(Object.keys(audit.body.items[0]).sort()).toEqual(['aggregateId', 'createdAt', 'id', 'type']);
  });

  it('a duplicate name is name_conflict and loses nothing', async () => {
    const first = await call('POST', '/api/resources', { name: 'dup', network: { internalPort: 1234 } });
    const again = await call('POST', '/api/resources', { name: 'dup', network: { internalPort: 9999 } });
    expect(again.status).toBe(409);
    expect((again.body as Err).error.code).toBe('name_conflict');
    expect((again.body as Err).error.details.existingId).toBe(first.body.id);
    const shown = await call('GET', `/api/resources/${first.body.id}`);
    expect(shown.body.network.internalPort).toBe(1234);
  });

  it('unknown ids are catalogued not-found codes', async () => {
    const cases: [string, string][] = [
      ['/api/projects/prj_x', 'project_not_found'],
      ['/api/environments/env_x', 'environment_not_found'],
      ['/api/resources/res_x', 'resource_not_found'],
      ['/api/servers/srv_x', 'server_not_found'],
    ];
    for (const [path, code] of cases) {
      const r = await call('GET', path);
      expect(r.status).toBe(404);
      expect((r.body as Err).error.code).toBe(code);
      expect((r.body as Err).error.phase).toBe('context-resolution');
    }
    const env = await call('POST', '/api/environments', { projectId: 'prj_x', name: 'qa' });
    expect((env.body as Err).error.code).toBe('project_not_found');
    const res = await call('POST', '/api/resources', { name: 'r', environmentId: 'env_x' });
    expect((res.body as Err).error.code).toBe('environment_not_found');
  });

  it('registers an SSH server', async () => {
    const r = await runCli(['server', 'register', 'edge-1', '--host', '127.0.0.1', '--port', '2222', '--agent', '--json'], plane.cliEnv);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ kind: 'ssh', host: '127.0.0.1', port: 2222, user: 'root', auth: 'agent', hostKey: null, stateRoot: '/var/lib/berth', httpPort: 80 });
  });
});
