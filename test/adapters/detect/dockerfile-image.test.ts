import { describe, expect, it } from 'vitest';
import { lastExposedPort } from '../../../src/adapters/detect/dockerfile-text.js';
import { createPlanner } from '../../../src/adapters/detect/index.js';
import { buildProfile } from '../../../src/core/model/profiles.js';
import { rejection } from '../sources/fs-fixtures.js';
import { app, request } from './plan-fixtures.js';

const planner = createPlanner();

describe('dockerfile planner', () => {
  it('builds the Dockerfile with the port of its last EXPOSE', async () => {
    const dir = app({ Dockerfile: 'FROM node:20 AS build\nEXPOSE 9999\nFROM nginx\nEXPOSE 8080/tcp 8443\n', 'package.json': '{}' });
    const plan = await planner.plan(request(dir));
    expect(plan).toMatchObject({ planner: 'dockerfile', supportTier: 'supported', artifactKind: 'image', internalPort: 8080, commands: {} });
    expect(plan.evidence).toEqual([{ kind: 'file', detail: 'Dockerfile' }, { kind: 'config', detail: 'Dockerfile EXPOSE 8080' }]);
    expect(plan.services).toEqual([{ name: 'web', build: { kind: 'dockerfile', contextDir: dir, dockerfile: 'Dockerfile' }, internalPort: 8080 }]);
  });

  it('explicit dockerfile, port and start command win', async () => {
    const dir = app({ 'docker/Prod.Dockerfile': 'FROM nginx\nEXPOSE 8080\n', Dockerfile: 'FROM scratch\n' });
    const plan = await planner.plan(request(dir, { runtime: { dockerfile: 'docker/Prod.Dockerfile', startCommand: 'nginx -g "daemon off;"', installCommand: 'x' }, network: { internalPort: 9000 } }));
    expect(plan.internalPort).toBe(9000);
    expect(plan.services[0]).toMatchObject({ build: { kind: 'dockerfile', dockerfile: 'docker/Prod.Dockerfile' }, command: ['sh', '-c', 'nginx -g "daemon off;"'] });
    expect(plan.commands).toEqual({ start: 'nginx -g "daemon off;"' });
    expect(plan.evidence).toEqual([
      { kind: 'explicit', detail: 'runtime.dockerfile' },
      { kind: 'explicit', detail: 'network.internalPort' },
      { kind: 'explicit', detail: 'runtime.startCommand' },
    ]);
    expect(plan.warnings).toHaveLength(1); // installCommand does not apply
  });

  it("the build profile's args are the build's ARG values, named in the evidence", async () => {
    const dir = app({ Dockerfile: 'FROM nginx\nARG APP_VERSION\nEXPOSE 80\n' });
    const plan = await planner.plan({ ...request(dir), build: buildProfile.parse({ args: { APP_VERSION: '1.4.2' }, env: { NODE_ENV: 'production' } }) });
    expect(plan.services[0]?.build).toEqual({ kind: 'dockerfile', contextDir: dir, dockerfile: 'Dockerfile', args: { APP_VERSION: '1.4.2' } });
    expect(plan.evidence).toContainEqual({ kind: 'explicit', detail: 'build.args' });
    for (const build of [undefined, buildProfile.parse({}), buildProfile.parse({ args: {} })]) {
      const none = await planner.plan({ ...request(dir), ...(build ? { build } : {}) });
      expect(none.services[0]?.build).not.toHaveProperty('args');
      expect(none.evidence).not.toContainEqual({ kind: 'explicit', detail: 'build.args' });
    }
  });

  it('no EXPOSE and no network profile is internal_port_missing', async () => {
    const err = await rejection(planner.plan(request(app({ Dockerfile: 'FROM node:20\nCMD ["node","a.js"]\n' }))));
    expect(err.code).toBe('internal_port_missing');
    expect(err.phase).toBe('plan');
    expect(err.details).toMatchObject({ profileField: 'network.internalPort' });
  });

  it('a missing or escaping runtime.dockerfile is plan_blocked', async () => {
    const dir = app({ 'index.html': '' });
    const missing = await rejection(planner.plan(request(dir, { runtime: { dockerfile: 'Dockerfile.prod' } })));
    expect(missing.code).toBe('plan_blocked');
    expect(missing.details).toMatchObject({ reasonCode: 'dockerfile_missing', fixPath: 'Dockerfile.prod', overridePath: 'runtime.dockerfile' });
    const outside = await rejection(planner.plan(request(dir, { runtime: { method: 'dockerfile', dockerfile: '../Dockerfile' } })));
    expect(outside.details).toMatchObject({ reasonCode: 'dockerfile_outside_source' });
  });

  it('reads EXPOSE through continuations, comments and ARG/ENV defaults', () => {
    expect(lastExposedPort('FROM x\nARG PORT=7000\nEXPOSE $PORT\n')).toBe(7000);
    expect(lastExposedPort('FROM x\nENV APP_PORT 5000\nEXPOSE ${APP_PORT}/tcp\n')).toBe(5000);
    expect(lastExposedPort('FROM x\nEXPOSE \\\n  4000\n# EXPOSE 1\n')).toBe(4000);
    expect(lastExposedPort('FROM x\nEXPOSE $UNKNOWN\n')).toBeUndefined();
    expect(lastExposedPort('FROM x\n')).toBeUndefined();
  });
});

describe('image planner', () => {
  it('an image source runs the image on the network profile port', async () => {
    const plan = await planner.plan(request(undefined, { kind: 'image', image: 'nginx:1.27', network: { internalPort: 80 }, runtime: { memoryMb: 128 } }));
    expect(plan).toMatchObject({ planner: 'image', supportTier: 'supported', artifactKind: 'image', internalPort: 80, routedService: 'web' });
    expect(plan.services).toEqual([{ name: 'web', build: { kind: 'image', image: 'nginx:1.27' }, internalPort: 80, memoryMb: 128 }]);
    expect(plan.evidence).toEqual([{ kind: 'source', detail: 'image' }, { kind: 'explicit', detail: 'network.internalPort' }]);
  });

  it('without a network profile port it is internal_port_missing (Docker is never asked)', async () => {
    const err = await rejection(planner.plan(request(undefined, { kind: 'image', image: 'nginx' })));
    expect(err.code).toBe('internal_port_missing');
    expect(err.details).toMatchObject({ profileField: 'network.internalPort' });
  });

  it('runtime.image wins over a Dockerfile in the source; method image without an image is plan_blocked', async () => {
    const dir = app({ Dockerfile: 'FROM scratch\nEXPOSE 1\n' });
    const plan = await planner.plan(request(dir, { runtime: { image: 'ghcr.io/org/app:1', startCommand: 'serve' }, network: { internalPort: 8000 } }));
    expect(plan.planner).toBe('image');
    expect(plan.services[0]).toMatchObject({ build: { kind: 'image', image: 'ghcr.io/org/app:1' }, command: ['sh', '-c', 'serve'] });
    expect(plan.evidence[0]).toEqual({ kind: 'explicit', detail: 'runtime.image' });
    const err = await rejection(planner.plan(request(dir, { runtime: { method: 'image' }, network: { internalPort: 8000 } })));
    expect(err.code).toBe('plan_blocked');
    expect(err.details).toMatchObject({ reasonCode: 'image_missing', overridePath: 'runtime.image' });
  });

  it('a file-based planner on an image source is plan_blocked', async () => {
    const err = await rejection(planner.plan(request(undefined, { kind: 'image', image: 'nginx', runtime: { method: 'node' } })));
    expect(err.code).toBe('plan_blocked');
    expect(err.details).toMatchObject({ reasonCode: 'source_has_no_files' });
  });
});
