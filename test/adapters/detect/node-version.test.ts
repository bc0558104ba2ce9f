import { describe, expect, it } from 'vitest';
import { createPlanner } from '../../../src/adapters/detect/index.js';
import { parseVersionFile } from '../../../src/adapters/detect/node-version.js';
import { planBlock } from '../../../src/core/plan/blocked-plan.js';
import { nodeImage } from '../../../src/core/plan/base-images.js';
import { rejection } from '../sources/fs-fixtures.js';
import { app, nodeBuild, request } from './plan-fixtures.js';

// Which Node.js major a node app gets: the majors Berth provides are the host's and Debian's 18.

const on20 = createPlanner({ hostNodeVersion: 'v20.19.2' });
const on22 = createPlanner({ hostNodeVersion: 'v22.12.0' });
const server = (extra: Record<string, unknown> = {}, files: Record<string, string> = {}) =>
  app({ 'package.json': JSON.stringify({ scripts: { start: 'node server.js' }, ...extra }), 'server.js': '', ...files });
const major = async (dir: string, planner = on20) => nodeBuild(await planner.plan(request(dir))).node;

describe('node version', () => {
  it.each([
    ['18', 18],
    ['20', 20],
    ['>=16', 20],
    ['^18.17.0 || ^20.3.0', 20],
    ['18.x', 18],
    ['>=18 <20', 18],
  ])('engines.node %s on a host with Node 20 -> %i', async (range, expected) => {
    const plan = await on20.plan(request(server({ engines: { node: range } })));
    expect(nodeBuild(plan).node).toEqual({ major: expected, image: nodeImage(expected) });
    expect(plan.evidence).toContainEqual({ kind: 'config', detail: 'package.json engines.node' });
  });

  it('>=16 takes the highest major Berth has: 22 on a Node 22 host', async () => {
    expect(await major(server({ engines: { node: '>=16' } }), on22)).toEqual({ major: 22, image: nodeImage(22) });
  });

  it('nothing requested: the host major, with default evidence', async () => {
    const plan = await on22.plan(request(server()));
    expect(nodeBuild(plan).node.major).toBe(22);
    expect(plan.evidence).toContainEqual({ kind: 'default', detail: expect.stringContaining('22') });
  });

  it('^22 on a Node 20 host is node_version_unavailable with what was asked, where, and what Berth has', async () => {
    const err = await rejection(on20.plan(request(server({ engines: { node: '^22' } }))));
    expect(err.code).toBe('node_version_unavailable');
    expect(err.phase).toBe('plan');
    expect(err.details).toMatchObject({ requested: '^22', source: 'package.json engines.node', availableMajors: [20, 18], fixPath: 'package.json' });
    expect(planBlock(err)).toMatchObject({ phase: 'plan', code: 'node_version_unavailable', reasonCode: 'node_version_unavailable', fixPath: 'package.json' });
    const nvmrc = await rejection(on20.plan(request(server({}, { '.nvmrc': 'lts/jod\n' }))));
    expect(nvmrc.code).toBe('node_version_unavailable');
    expect(nvmrc.details).toMatchObject({ requested: 'lts/jod', source: '.nvmrc', fixPath: '.nvmrc' });
  });

  it.each([
    ['18\n', 18],
    ['v20.1.0', 20],
    ['20.x', 20],
    ['lts/hydrogen', 18],
    ['lts/iron', 20],
    ['lts/*', 20],
    ['node', 20],
    ['# pinned\nv18.20.4 # comment\n', 18],
  ])('.nvmrc %j -> %i', async (text, expected) => {
    const plan = await on20.plan(request(server({}, { '.nvmrc': text })));
    expect(nodeBuild(plan).node.major).toBe(expected);
    expect(plan.evidence).toContainEqual({ kind: 'file', detail: '.nvmrc' });
  });

  it('.node-version is read like .nvmrc', async () => {
    const plan = await on20.plan(request(server({}, { '.node-version': '18.19.1\n' })));
    expect(nodeBuild(plan).node.major).toBe(18);
    expect(plan.evidence).toContainEqual({ kind: 'file', detail: '.node-version' });
  });

  it('lts/* means the newest even major Berth has: 18 next to an odd host major', async () => {
    expect((await major(server({}, { '.nvmrc': 'lts/*' }), createPlanner({ hostNodeVersion: 'v23.1.0' }))).major).toBe(18);
  });

  it('engines wins over a conflicting .nvmrc, with node_version_conflict; a compatible .nvmrc narrows engines', async () => {
    const conflict = await on20.plan(request(server({ engines: { node: '18' } }, { '.nvmrc': '20' })));
    expect(nodeBuild(conflict).node.major).toBe(18);
    expect(conflict.warningCodes).toContainEqual({ reasonCode: 'node_version_conflict', field: '.nvmrc', message: expect.any(String) });
    const narrowed = await on20.plan(request(server({ engines: { node: '>=16' } }, { '.nvmrc': '18' })));
    expect(nodeBuild(narrowed).node.major).toBe(18);
    expect(narrowed.warningCodes ?? []).toEqual([]);
  });

  it('an unreadable request is ignored with node_version_unparsed; a range the host binary misses is node_version_inexact', async () => {
    const bad = await on20.plan(request(server({ engines: { node: 'banana' } }, { '.nvmrc': 'system' })));
    expect(nodeBuild(bad).node.major).toBe(20);
    expect(bad.warningCodes?.map((w) => [w.reasonCode, w.field])).toEqual([
      ['node_version_unparsed', 'package.json engines.node'],
      ['node_version_unparsed', '.nvmrc'],
    ]);
    const inexact = await on20.plan(request(server({ engines: { node: '>=20.20' } })));
    expect(nodeBuild(inexact).node.major).toBe(20);
    expect(inexact.warningCodes?.map((w) => w.reasonCode)).toEqual(['node_version_inexact']);
  });

  it('parses the version file spellings', () => {
    expect(parseVersionFile('v20.1.0')).toEqual({ requested: 'v20.1.0', range: '20.1.0' });
    expect(parseVersionFile('lts/iron')).toEqual({ requested: 'lts/iron', range: '20.x' });
    expect(parseVersionFile('lts/*')).toMatchObject({ ltsOnly: true });
    expect(parseVersionFile('lts/nonexistent')).toBeUndefined();
    expect(parseVersionFile('\n\n')).toBeUndefined();
  });
});
