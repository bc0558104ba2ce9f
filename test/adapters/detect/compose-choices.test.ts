import { describe, expect, it } from 'vitest';
import { createPlanner } from '../../../src/adapters/detect/index.js';
import { edgePorts } from '../../../src/core/compose/checks.js';
import { rejection } from '../sources/fs-fixtures.js';
import { app, request } from './plan-fixtures.js';

// What the compose planner decides for real-shaped stacks: which service gets the route, how
// volumes and secrets are recorded, and what it refuses (plan_blocked with a reasonCode).

const planner = createPlanner();
const plan = (compose: string, network: Record<string, unknown> = {}) =>
  planner.plan(request(app({ 'compose.yaml': compose }), { kind: 'compose', composeFile: 'compose.yaml', network }));
const blockedBy = async (compose: string, network: Record<string, unknown> = {}) => {
  const err = await rejection(plan(compose, network));
  expect(err.code).toBe('plan_blocked');
  return err.details as { reasonCode: string; fixPath: string; overridePath: string; evidence: { kind: string; detail: string }[] };
};

describe('which compose service gets the route', () => {
  it('never a database that is listed first and exposes 5432; the web service that publishes a port', async () => {
    const p = await plan(`
services:
  db:
    image: postgres:16
    expose: ["5432"]
  cache:
    image: redis:7
    ports: ["6379:6379"]
  worker:
    image: busybox
    command: sleep 1000
  web:
    image: busybox
    ports: ["8080:80"]
`);
    expect(p).toMatchObject({ routedService: 'web', internalPort: 80 });
  });

  it('a data store is recognised by its port too, whatever its image is called', async () => {
    const p = await plan('services:\n  store:\n    image: local/custom-db\n    expose: [3306]\n  site:\n    image: local/site\n    expose: [3000]\n');
    expect(p).toMatchObject({ routedService: 'site', internalPort: 3000 });
  });

  it('a data store is recognised by its name as well: a built "db" on an unusual port is not routed', async () => {
    const p = await plan('services:\n  db:\n    build: ./db\n    ports: ["15432:15432"]\n  site:\n    image: local/site\n    expose: [9999]\n');
    expect(p).toMatchObject({ routedService: 'site', internalPort: 9999 });
  });

  it('prefers a published port over an exposed one, a web port over another, and a web name', async () => {
    expect((await plan('services:\n  api:\n    image: a\n    expose: [8000]\n  frontend:\n    image: f\n    ports: ["3000:3000"]\n')).routedService).toBe('frontend');
    expect((await plan('services:\n  admin:\n    image: a\n    expose: [9999]\n  site:\n    image: s\n    expose: [8080]\n')).routedService).toBe('site');
    expect((await plan('services:\n  docs:\n    image: a\n    expose: [80]\n  nginx:\n    image: n\n    expose: [80]\n')).routedService).toBe('nginx');
    // The best port of a service that listens on several.
    expect(await plan('services:\n  web:\n    image: w\n    expose: [9229, 3000]\n')).toMatchObject({ routedService: 'web', internalPort: 3000 });
  });

  it('two equally good candidates are a doubt: plan_blocked compose_route_ambiguous, asking for network.service', async () => {
    const compose = 'services:\n  frontend:\n    image: f\n    ports: ["3000:3000"]\n  web:\n    image: b\n    ports: ["8000:8000"]\n  db:\n    image: postgres\n';
    const d = await blockedBy(compose);
    expect(d).toMatchObject({ reasonCode: 'compose_route_ambiguous', overridePath: 'network.service', fixPath: 'berth.yml' });
    expect(d.evidence.filter((e) => e.kind === 'candidate').map((e) => e.detail.split(' ')[0])).toEqual(['services.frontend', 'services.web']);
    // berth.yml's network.service settles it, on that service's best port.
    expect(await plan(compose, { service: 'web' })).toMatchObject({ routedService: 'web', internalPort: 8000 });
    expect((await blockedBy(compose, { service: 'nope' })).reasonCode).toBe('compose_route_service_unknown');
  });

  it('only data stores listening: internal_port_missing, naming them as skipped', async () => {
    const err = await rejection(plan('services:\n  db:\n    image: mariadb\n    ports: ["3307:3306"]\n  cache:\n    image: memcached\n    expose: [11211]\n'));
    expect(err.code).toBe('internal_port_missing');
    expect((err.details.evidence as { kind: string }[]).filter((e) => e.kind === 'skipped')).toHaveLength(2);
  });

  it('network.internalPort picks who listens on it, a data store only when it is the one', async () => {
    expect((await plan('services:\n  db:\n    image: postgres\n    expose: [5432]\n  web:\n    image: w\n', { internalPort: 5432 })).routedService).toBe('db');
    expect((await plan('services:\n  db:\n    image: postgres\n    expose: [5432]\n  web:\n    image: w\n', { internalPort: 3000 })).routedService).toBe('web');
  });

  it('network.service on a one-service planner is a warning, not a silent drop', async () => {
    const p = await planner.plan(request(app({ 'index.html': '<h1>hi</h1>' }), { network: { service: 'web' } }));
    expect(p.warnings.some((w) => w.startsWith('network.service'))).toBe(true);
  });
});

describe('compose volumes and secrets in the plan', () => {
  it('named volumes keep their compose name for per-resource naming; external and name: are kept as written', async () => {
    const p = await plan(`
services:
  web:
    image: w
    expose: [80]
    volumes: ["db_data:/a", "shared:/b", "fixed:/c", "/srv/host:/d:ro", "/anon", { type: tmpfs, target: /t }]
volumes:
  db_data: {}
  shared: { external: true }
  fixed: { name: my-fixed-volume }
`);
    expect(p.services[0]?.volumes).toEqual([
      { source: 'db_data', target: '/a', readOnly: false, type: 'volume' },
      { source: 'shared', target: '/b', readOnly: false, type: 'volume', name: 'shared', external: true },
      { source: 'fixed', target: '/c', readOnly: false, type: 'volume', name: 'my-fixed-volume' },
      { source: '/srv/host', target: '/d', readOnly: true, type: 'bind' },
      { source: '', target: '/anon', readOnly: false, type: 'volume' },
      { source: '', target: '/t', readOnly: false, type: 'tmpfs' },
    ]);
  });

  it.each([
    ['"./data:/data"', 'services.web.volumes.0'],
    ['"../up:/data"', 'services.web.volumes.0'],
    ['"~/data:/data"', 'services.web.volumes.0'],
    ['{ type: bind, source: data, target: /data }', 'services.web.volumes.0'],
  ])('a bind mount of %s (the client’s files) is plan_blocked compose_bind_mount_relative', async (mount, field) => {
    const d = await blockedBy(`services:\n  web:\n    image: w\n    expose: [80]\n    volumes: [${mount}]\n`);
    expect(d).toMatchObject({ reasonCode: 'compose_bind_mount_relative', fixPath: field });
  });

  it('file secrets are mounted by name at /run/secrets or their target, with no value in the plan', async () => {
    const p = await plan(`
services:
  web:
    image: w
    expose: [80]
    secrets: [api_key, { source: db_password, target: pw, mode: 0400, uid: "70" }, { source: db_password, target: /etc/app/db }]
secrets:
  api_key: { file: ./api_key.txt }
  db_password: { file: ./secrets/db_password.txt }
`);
    expect(p.services[0]?.secretFiles).toEqual([
      { secret: 'api_key', target: '/run/secrets/api_key' },
      { secret: 'db_password', target: '/run/secrets/pw', uid: 70, mode: 0o400 },
      { secret: 'db_password', target: '/etc/app/db' },
    ]);
  });

  it('environment and external secrets are plan_blocked compose_secret_source_unsupported, pointing to file:', async () => {
    for (const [def, field] of [['{ environment: API_KEY }', 'secrets.s.environment'], ['{ external: true }', 'secrets.s.external']]) {
      const d = await blockedBy(`services:\n  web:\n    image: w\n    expose: [80]\n    secrets: [s]\nsecrets:\n  s: ${def}\n`);
      expect(d).toMatchObject({ reasonCode: 'compose_secret_source_unsupported', fixPath: field, overridePath: 'secrets.s.file' });
    }
    expect((await blockedBy('services:\n  web:\n    image: w\n    expose: [80]\n    secrets: [my-key]\nsecrets:\n  my-key: { file: k }\n')).reasonCode).toBe('compose_secret_name_invalid');
  });

  it('an undeclared secret is validation_failed at its path', async () => {
    const err = await rejection(plan('services:\n  web:\n    image: w\n    expose: [80]\n    secrets: [nope]\n'));
    expect(err.code).toBe('validation_failed');
    expect(err.details.validationIssuePaths).toEqual(['services.web.secrets.0']);
  });

  it('reserved ports follow the planner’s edge ports', async () => {
    const edge = createPlanner({ edgePorts: edgePorts(8088) });
    const req = (compose: string) => request(app({ 'compose.yaml': compose }), { kind: 'compose', composeFile: 'compose.yaml' });
    expect((await edge.plan(req('services:\n  web:\n    image: w\n    ports: ["80:80"]\n'))).routedService).toBe('web');
    const err = await rejection(edge.plan(req('services:\n  web:\n    image: w\n    ports: ["8088:80"]\n')));
    expect(err.code).toBe('reserved_port');
    expect(err.details).toEqual({ service: 'web', port: 8088, edgePorts: [8088] });
  });
});
