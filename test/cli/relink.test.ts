import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/core/ownership/labels.js';
import { sourceDifferences } from '../../src/operations/deployments/source-change.js';
import { runCli } from '../support/cli.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, viaProxy, waitTerminal, type DeploymentStatus } from '../support/deploy.js';
import { uid } from '../support/docker.js';
import { connectMcp } from '../support/mcp.js';
import { site } from '../recovery/support.js';

// Issue 9: `berth up OTHER_FOLDER --name EXISTING` never silently repoints the resource. It is
// refused with resource_source_changed and nothing changes; `--relink` repoints it (audited).
// The same source (also re-uploaded to a remote control plane) and previews are not refused.

describe('the same source, after normalisation', () => {
  const folder = (location: string, extra: Record<string, string> = {}) => ({ kind: 'folder' as const, location, ...extra });
  it('spelling, credentials, image tags and uploads are not a change; another place, ref, base or kind is', () => {
    expect(sourceDifferences(folder('/srv/app'), folder('/srv/app/'))).toEqual([]);
    expect(sourceDifferences(folder('/srv/app', { baseDirectory: './web/' }), folder('/srv/app/./', { baseDirectory: 'web' }))).toEqual([]);
    expect(sourceDifferences(folder('/srv/app', { baseDirectory: '.' }), folder('/srv/app'))).toEqual([]);
    expect(sourceDifferences({ kind: 'git', location: 'https://u:old@git.example/a/b.git', gitRef: 'main' }, { kind: 'git', location: 'https://u:new@git.example/a/b', gitRef: 'main' })).toEqual([]);
    expect(sourceDifferences({ kind: 'image', location: 'nginx:1.25' }, { kind: 'image', location: 'docker.io/library/nginx@sha256:abc' })).toEqual([]);
    expect(sourceDifferences({ kind: 'image', location: '127.0.0.1:5000/app:1' }, { kind: 'image', location: '127.0.0.1:5000/app:2' })).toEqual([]);
    // Two uploads: the upload id names the bytes, not the folder they came from.
    expect(sourceDifferences({ kind: 'upload', location: 'upl_1' }, { kind: 'upload', location: 'upl_2' })).toEqual([]);

    expect(sourceDifferences(folder('/srv/app'), folder('/srv/other'))).toEqual(['location']);
    expect(sourceDifferences({ kind: 'git', location: '/r', gitRef: 'main' }, { kind: 'git', location: '/r', gitRef: 'dev' })).toEqual(['gitRef']);
    expect(sourceDifferences({ kind: 'git', location: '/r', gitRef: 'main' }, { kind: 'git', location: '/r' })).toEqual(['gitRef']);
    expect(sourceDifferences(folder('/srv/app', { baseDirectory: 'web' }), folder('/srv/app', { baseDirectory: 'api' }))).toEqual(['baseDirectory']);
    expect(sourceDifferences({ kind: 'image', location: 'nginx:1' }, { kind: 'image', location: 'caddy:1' })).toEqual(['location']);
    expect(sourceDifferences(folder('/srv/app'), { kind: 'upload', location: 'upl_1' })).toEqual(['kind']);
  });
});

describe('berth up --name EXISTING with another source', () => {
  let plane: TestControlPlane;
  const run = uid();
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  const up = (env: NodeJS.ProcessEnv, ...args: string[]) => runCli(['up', ...args, '--json'], env, { timeoutMs: 120_000 });
  const resource = async (id: string) => (await api<Record<string, unknown>>(plane, 'GET', `/api/resources/${id}`)).body;
  const attempts = async (resourceId: string) => (await api<{ items: { id: string; status: string }[] }>(plane, 'GET', `/api/deployments?resourceId=${resourceId}`)).body.items;
  const containers = async (resourceId: string) => (await plane.targets.local.engine.listContainers({ [LABELS.resource]: resourceId })).map((c) => ({ id: c.id, status: c.status }));

  it('is refused with resource_source_changed and changes nothing; --relink repoints and deploys', async () => {
    const a = site(`a-${run}`);
    const b = site(`b-${run}`);
    const first = await up(plane.cliEnv, a, '--name', 'relinked-up');
    expect(first.code).toBe(0);
    const v1 = first.json<DeploymentStatus>();
    expect(v1.status).toBe('succeeded');

    const before = { resource: await resource(v1.resourceId), attempts: await attempts(v1.resourceId), containers: await containers(v1.resourceId), audit: (await plane.store.audit.list(v1.resourceId)).length };
    const refused = await up(plane.cliEnv, b, '--name', 'relinked-up');
    // A conflict: exit status 4.
    expect(refused.code).toBe(4);
    const error = refused.json<{ error: { code: string; category: string; retryable: boolean; details: Record<string, unknown> } }>().error;
    expect(error).toMatchObject({
      code: 'resource_source_changed',
      category: 'conflict',
      retryable: false,
      details: { resourceId: v1.resourceId, name: 'relinked-up', current: { kind: 'folder', location: a }, requested: { kind: 'folder', location: b }, changed: ['location'] },
    });
    // Nothing changed: the resource, its attempts, the serving container, the audit trail.
    expect({ resource: await resource(v1.resourceId), attempts: await attempts(v1.resourceId), containers: await containers(v1.resourceId), audit: (await plane.store.audit.list(v1.resourceId)).length }).toEqual(before);
    expect((await viaProxy(plane, v1.accessUrl!)).body).toContain(`a-${run}`);
    // The API refuses the same way (MCP and HTTP take `relink` from the same input schema).
    const viaApi = await api<{ error: { code: string } }>(plane, 'POST', '/api/deployments', { name: 'relinked-up', source: { kind: 'folder', location: b } });
    expect({ status: viaApi.status, code: viaApi.body.error.code }).toEqual({ status: 409, code: 'resource_source_changed' });

    // The same folder again is the same source, however it is spelled.
    const again = await api<{ id: string }>(plane, 'POST', '/api/deployments', { name: 'relinked-up', source: { kind: 'folder', location: `${a}/` } });
    expect(again.status).toBe(200);
    expect((await waitTerminal(plane, again.body.id)).status).toBe('succeeded');

    const relinked = await up(plane.cliEnv, b, '--name', 'relinked-up', '--relink');
    expect(relinked.code).toBe(0);
    const v3 = relinked.json<DeploymentStatus>();
    expect({ status: v3.status, resourceId: v3.resourceId }).toEqual({ status: 'succeeded', resourceId: v1.resourceId });
    expect((await viaProxy(plane, v3.accessUrl!)).body).toContain(`b-${run}`);
    expect((await resource(v1.resourceId)).source).toEqual({ kind: 'folder', location: b });
    const event = (await plane.store.audit.list(v1.resourceId)).find((e) => e.type === 'resource.relinked');
    const shown = await api<{ payload: unknown }>(plane, 'GET', `/api/audit-events/${event!.id}?aggregate=${v1.resourceId}`);
    expect(shown.body.payload).toMatchObject({ previous: { kind: 'folder', location: `${a}/` }, next: { kind: 'folder', location: b } });
  }, 240_000);

  it('MCP takes relink from the same input schema and refuses the same way', async () => {
    const mcp = await connectMcp(plane.cliEnv);
    try {
      const tool = (await mcp.listTools()).tools.find((t) => t.name === 'deployments_create');
      expect((tool?.inputSchema.properties as Record<string, { type?: string }>).relink).toMatchObject({ type: 'boolean' });
      await mcp.callTool({ name: 'deployments_create', arguments: { name: `mcp-${run}`, source: { kind: 'folder', location: `/nonexistent/a-${run}` } } });
      const refused = await mcp.callTool({ name: 'deployments_create', arguments: { name: `mcp-${run}`, source: { kind: 'folder', location: `/nonexistent/b-${run}` } } });
      expect(refused.isError).toBe(true);
      expect((refused.structuredContent as { error: { code: string } }).error.code).toBe('resource_source_changed');
    } finally {
      await mcp.close();
    }
  });

  it('names the source without the credentials of a git URL', async () => {
    const created = await api<{ id: string }>(plane, 'POST', '/api/resources', { name: `git-${run}`, source: { kind: 'git', location: `https://bot:tok-${run}@git.invalid/team/app.git`, gitRef: 'main' } });
    expect(created.status).toBe(200);
    const refused = await api<{ error: { code: string; details: Record<string, unknown> } }>(plane, 'POST', '/api/deployments', { name: `git-${run}`, source: { kind: 'git', location: 'https://git.invalid/team/other.git', gitRef: 'main' } });
    expect(refused.body.error).toMatchObject({ code: 'resource_source_changed', details: { resourceId: created.body.id, changed: ['location'], current: { kind: 'git', gitRef: 'main' } } });
    expect(JSON.stringify(refused.body)).not.toContain(`tok-${run}`);
    expect(await attempts(created.body.id)).toEqual([]);
  });

  it('a preview deploys another source without being refused', async () => {
    const prod = await up(plane.cliEnv, site(`prod-${run}`), '--name', 'relink-preview');
    expect(prod.code).toBe(0);
    const pr = await up(plane.cliEnv, site(`pr-${run}`), '--name', 'relink-preview', '--preview', `pull-request:${run}`);
    expect(pr.code).toBe(0);
    expect(pr.json<DeploymentStatus>().status).toBe('succeeded');
  }, 240_000);

  it('the same folder uploaded twice to a remote control plane is the same source', async () => {
    const remote = { ...plane.cliEnv, BERTH_URL: plane.url, BERTH_TOKEN: plane.token };
    const dir = site(`up-${run}`);
    const first = await up(remote, dir, '--name', 'relink-upload');
    expect(first.code).toBe(0);
    const v1 = first.json<DeploymentStatus>();
    expect((await resource(v1.resourceId)).source).toMatchObject({ kind: 'upload' });
    const second = await up(remote, dir, '--name', 'relink-upload');
    expect(second.code).toBe(0);
    expect(second.json<DeploymentStatus>()).toMatchObject({ status: 'succeeded', resourceId: v1.resourceId });
  }, 240_000);
});
