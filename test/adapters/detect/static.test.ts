import { describe, expect, it } from 'vitest';
import { createPlanner } from '../../../src/adapters/detect/index.js';
import { BASE_IMAGES, STATIC_INTERNAL_PORT } from '../../../src/core/plan/base-images.js';
import { rejection } from '../sources/fs-fixtures.js';
import { app, request } from './plan-fixtures.js';

const planner = createPlanner();

describe('static planner', () => {
  it.each([
    ['index.html', '.'],
    ['dist/index.html', 'dist'],
    ['public/index.html', 'public'],
    ['build/index.html', 'build'],
  ])('serves the folder of %s on port 80 with the static base image', async (file, copied) => {
    const dir = app({ [file]: '<h1>hi</h1>', 'README.md': '' });
    const plan = await planner.plan(request(dir));
    expect(plan).toMatchObject({
      planner: 'static',
      supportTier: 'supported',
      artifactKind: 'image',
      evidence: [{ kind: 'file', detail: file }],
      commands: {},
      routedService: 'web',
      internalPort: STATIC_INTERNAL_PORT,
      health: { path: '/', timeoutSeconds: 30, intervalMs: 500 },
      networks: [],
      warnings: [],
    });
    expect(plan.services).toEqual([{
      name: 'web',
      build: { kind: 'generated', contextDir: dir, dockerfileText: `FROM ${BASE_IMAGES.static}\nCOPY ${copied} /srv\n` },
      internalPort: 80,
    }]);
  });

  it('prefers the root index.html, keeps port 80 over an explicit port (with a warning), applies the health profile', async () => {
    const dir = app({ 'index.html': 'root', 'dist/index.html': 'dist' });
    const plan = await planner.plan(request(dir, { network: { internalPort: 8080 }, health: { path: '/ok', expectStatus: 200 }, runtime: { memoryMb: 64 } }));
    expect(plan.services[0]?.build).toMatchObject({ dockerfileText: expect.stringContaining('COPY . /srv') });
    expect(plan.internalPort).toBe(80);
    expect(plan.warnings).toHaveLength(1);
    expect(plan.health).toEqual({ path: '/ok', expectStatus: 200, timeoutSeconds: 30, intervalMs: 500 });
    expect(plan.services[0]?.memoryMb).toBe(64);
  });

  it('runtime.method static without an index.html is plan_blocked', async () => {
    const err = await rejection(planner.plan(request(app({ 'app.py': '' }), { runtime: { method: 'static' } })));
    expect(err.code).toBe('plan_blocked');
    expect(err.phase).toBe('plan');
    expect(err.details).toMatchObject({ reasonCode: 'static_index_missing', fixPath: 'index.html', overridePath: 'runtime.method' });
  });
});
