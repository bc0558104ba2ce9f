import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPlanner } from '../../../src/adapters/detect/index.js';
import { createSourceReader } from '../../../src/adapters/sources/index.js';
import { rejection, tempDir } from '../sources/fs-fixtures.js';
import { app, request } from './plan-fixtures.js';

const planner = createPlanner();

const STACK = `
services:
  worker:
    image: busybox
    command: sleep infinity
    depends_on: [db]
  web:
    build: { context: ./web, args: { TIER: prod } }
    ports: ["8080:3000", "9229"]
    environment: { NODE_ENV: production, FROM_SHELL: }
    networks: [front, back]
    depends_on: { db: { condition: service_healthy } }
    healthcheck: { test: [CMD, wget, -q, localhost:3000], interval: 10s }
    deploy: { replicas: 1, resources: { limits: { memory: 256m, cpus: 0.5 } } }
    restart: always
  db:
    image: postgres:16
    expose: ["5432"]
    networks: [back]
    volumes: ["pg:/var/lib/postgresql/data"]
    healthcheck: { test: pg_isready }
networks: { front: {}, back: {} }
volumes: { pg: {} }
`;

describe('compose planner', () => {
  it('plans one service per compose service and routes to the first one that listens', async () => {
    const dir = app({ 'compose.yaml': STACK, 'web/Dockerfile': 'FROM node:20' });
    const plan = await planner.plan(request(dir, { kind: 'compose', composeFile: 'compose.yaml' }));
    expect(plan).toMatchObject({
      planner: 'compose',
      supportTier: 'supported',
      artifactKind: 'compose',
      routedService: 'web',
      internalPort: 3000,
      networks: ['front', 'back'],
      commands: {},
      health: { path: '/' },
    });
    expect(plan.evidence).toEqual([{ kind: 'file', detail: 'compose.yaml' }, { kind: 'config', detail: 'services.web listens on 3000 (publishes it, web port, web name)' }]);
    expect(plan.services.map((s) => s.name)).toEqual(['worker', 'web', 'db']);
    const [worker, web, db] = plan.services;
    expect(worker).toEqual({ name: 'worker', build: { kind: 'image', image: 'busybox' }, command: ['sleep', 'infinity'], networks: ['default'], dependsOn: ['db'], healthcheckDefined: false });
    expect(web).toEqual({
      name: 'web',
      build: { kind: 'dockerfile', contextDir: join(dir, 'web'), dockerfile: 'Dockerfile', args: { TIER: 'prod' } },
      env: { NODE_ENV: 'production' },
      internalPort: 3000,
      publish: [{ host: 8080, container: 3000, protocol: 'tcp' }],
      expose: [9229],
      networks: ['front', 'back'],
      dependsOn: ['db'],
      dependsOnCondition: { db: 'service_healthy' },
      healthcheckDefined: true,
      healthcheck: { test: ['CMD', 'wget', '-q', 'localhost:3000'], intervalMs: 10_000 },
      restart: 'always',
      replicas: 1,
      memoryMb: 256,
      cpus: 0.5,
    });
    expect(db).toMatchObject({ expose: [5432], healthcheckDefined: true, volumes: [{ type: 'volume', source: 'pg', target: '/var/lib/postgresql/data', readOnly: false }] });
    expect(plan.warnings).toHaveLength(1); // FROM_SHELL has no value
  });

  it('network.internalPort picks the service listening on it', async () => {
    const dir = app({ 'compose.yaml': STACK, 'web/Dockerfile': '' });
    const plan = await planner.plan(request(dir, { kind: 'compose', composeFile: 'compose.yaml', network: { internalPort: 5432 } }));
    expect(plan.routedService).toBe('db');
    expect(plan.internalPort).toBe(5432);
    expect(plan.services.find((s) => s.name === 'db')?.internalPort).toBe(5432);
    expect(plan.services.find((s) => s.name === 'web')?.internalPort).toBeUndefined();
    // A port nobody declares: the first service that listens, on that port (explicit wins).
    const other = await planner.plan(request(dir, { kind: 'compose', composeFile: 'compose.yaml', network: { internalPort: 7000 } }));
    expect(other).toMatchObject({ routedService: 'web', internalPort: 7000 });
  });

  it('no service listening and no network profile port is internal_port_missing', async () => {
    const dir = app({ 'compose.yaml': 'services:\n  worker:\n    image: busybox\n' });
    const err = await rejection(planner.plan(request(dir, { kind: 'compose', composeFile: 'compose.yaml' })));
    expect(err.code).toBe('internal_port_missing');
    expect(err.details).toMatchObject({ profileField: 'network.internalPort' });
  });

  it('uses the folded composeDocument sent by the client over the file', async () => {
    const dir = app({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    env_file: .env\n' });
    const doc = 'services:\n  web:\n    image: nginx\n    environment: { A: "1" }\n    expose: [80]\n';
    const plan = await planner.plan(request(dir, { kind: 'compose', composeFile: 'compose.yaml', composeDocument: doc }));
    expect(plan.evidence[0]).toEqual({ kind: 'config', detail: 'compose document sent by the client' });
    expect(plan.services[0]?.env).toEqual({ A: '1' });
  });

  it('a compose file in the source that still has env_file is env_file_unresolved', async () => {
    const dir = app({ 'compose.yaml': 'services:\n  web:\n    image: nginx\n    env_file: .env\n', '.env': 'A=1' });
    const err = await rejection(planner.plan(request(dir, { kind: 'compose', composeFile: 'compose.yaml' })));
    expect(err.code).toBe('env_file_unresolved');
    expect(err.details).toEqual({ service: 'web' });
  });

  it('compose errors surface in the plan phase', async () => {
    const cases: [string, string, Record<string, unknown>][] = [
      ['services:\n  web:\n    image: nginx\n    ports: ["80:8080"]\n', 'reserved_port', { service: 'web', port: 80, edgePorts: [80] }],
      ['services:\n  web:\n    image: nginx\n    links: [db]\n', 'legacy_compose_field', { field: 'services.web.links', modern_equivalent: 'networks' }],
      ['services:\n  web:\n    image: nginx\n    ports: [80\n', 'parse_failed', { file: 'compose.yaml' }],
      ['services:\n  web:\n    image: nginx\n    bogus: 1\n', 'validation_failed', { validationIssuePaths: ['services.web.bogus'] }],
    ];
    for (const [text, code, details] of cases) {
      const err = await rejection(planner.plan(request(app({ 'compose.yaml': text }), { kind: 'compose', composeFile: 'compose.yaml' })));
      expect(err.code).toBe(code);
      expect(err.phase).toBe('plan');
      expect(err.details).toMatchObject(details);
    }
  });

  it('a build context outside the source is plan_blocked; method compose on a folder finds the file', async () => {
    const outside = app({ 'compose.yaml': 'services:\n  web:\n    build: ../elsewhere\n    expose: [80]\n' });
    const err = await rejection(planner.plan(request(outside, { kind: 'compose', composeFile: 'compose.yaml' })));
    expect(err.code).toBe('plan_blocked');
    expect(err.details).toMatchObject({ reasonCode: 'compose_build_context_outside_source' });

    const folder = app({ 'docker-compose.yml': 'services:\n  web:\n    image: nginx\n    expose: [80]\n', Dockerfile: 'FROM x' });
    expect((await planner.plan(request(folder, { runtime: { method: 'compose' } }))).planner).toBe('compose');
    const none = await rejection(planner.plan(request(app({ 'index.html': '' }), { runtime: { method: 'compose' } })));
    expect(none.details).toMatchObject({ reasonCode: 'compose_file_missing' });
  });

  it('plans a materialised compose source end to end', async () => {
    const src = app({ 'docker-compose.yml': 'version: "3"\nservices:\n  web:\n    build: .\n    ports: ["8081:8080"]\n', Dockerfile: 'FROM x' });
    const source = await createSourceReader().materialize({ kind: 'compose', location: src }, tempDir('compose-e2e'));
    const plan = await planner.plan({ ...request(undefined), source });
    expect(plan).toMatchObject({ planner: 'compose', routedService: 'web', internalPort: 8080 });
    expect(plan.services[0]?.build).toEqual({ kind: 'dockerfile', contextDir: source.dir, dockerfile: 'Dockerfile' });
    expect(plan.warnings).toHaveLength(1); // version
    await source.dispose();
  });
});
