import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir, nodeApp, webApiServices, nodeServer } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { deploy, viaProxy } from '../support/deploy.js';
import { zipBuffer } from '../support/zip.js';
import { TEST_ROOT } from '../support/paths.js';

// Acceptance (issue 3): each kind of source reaches a URL answering 200 with the expected body,
// through the real Docker engine and Berth's Caddy pair.
describe('every kind of source reaches a live URL', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => plane?.close());

  const expectLive = async (input: Record<string, unknown>, body: string, path = '/') => {
    const d = await deploy(plane, input);
    expect(d.error).toBeUndefined();
    expect(d.status).toBe('succeeded');
    expect(d.accessUrl).toMatch(/^http:\/\/.+\.production\.localhost:\d+$/);
    const res = await viaProxy(plane, d.accessUrl!, path);
    expect(res.status).toBe(200);
    expect(res.body).toContain(body);
    return d;
  };

  it('a static folder', async () => {
    const dir = appDir({ 'index.html': '<h1>static-ok</h1>', '.gitignore': 'secret.txt\n', 'secret.txt': 'not-shipped' });
    await expectLive({ name: 'static-site', source: { kind: 'folder', location: dir } }, 'static-ok');
  });

  it('a Node.js app', async () => {
    const dir = nodeApp({ '/': [200, 'node-ok'] });
    const d = await expectLive({ name: 'node-app', source: { kind: 'folder', location: dir } }, 'node-ok');
    const shown = await plane.client.raw('GET', `/api/deployments/${d.id}`);
    expect(JSON.parse(shown.body).planner).toBe('node');
  });

  it('a Dockerfile app', async () => {
    const dir = appDir({
      Dockerfile: 'FROM berth/node:20\nWORKDIR /app\nCOPY server.js .\nEXPOSE 8080\nCMD ["node", "server.js"]\n',
      'server.js': nodeServer({ '/': [200, 'dockerfile-ok'] }, { port: '8080' }),
    });
    await expectLive({ name: 'dockerfile-app', source: { kind: 'folder', location: dir } }, 'dockerfile-ok');
  });

  it('a prebuilt image', async () => {
    // Build an image the way a user's CI would have, then deploy it by reference.
    const dir = appDir({ Dockerfile: 'FROM berth/static:1\nCOPY index.html /srv/index.html\n', 'index.html': 'image-ok' });
    const built = await plane.targets.local.engine.build({ contextDir: dir, dockerfile: { path: 'Dockerfile' }, tag: `berth-test/prebuilt:${Date.now()}`, labels: {} });
    await expectLive({ name: 'prebuilt', source: { kind: 'image', location: built.tag }, network: { internalPort: 80 } }, 'image-ok');
  });

  it('a two-service compose file', async () => {
    const dir = appDir({
      'compose.yaml': [
        'services:',
        '  web:',
        '    build: ./web',
        '    expose: ["3000"]',
        '    environment:',
        '      API_URL: http://api/',
        '    depends_on: [api]',
        // web reaches api only through its second network: every network of a service is joined.
        '    networks: [front, back]',
        '  api:',
        '    build: ./api',
        '    networks: [back]',
        'networks:',
        '  front: {}',
        '  back: {}',
        '',
      ].join('\n'),
      ...webApiServices('compose-ok'),
    });
    const d = await expectLive({ name: 'stack', source: { kind: 'compose', location: join(dir, 'compose.yaml') } }, 'compose-ok:api-ok');
    const shown = JSON.parse((await plane.client.raw('GET', `/api/deployments/${d.id}`)).body);
    expect(shown.artifact.kind).toBe('compose');
    expect(shown.artifact.services.map((s: { name: string }) => s.name).sort()).toEqual(['api', 'web']);
  });

  it('a git repository at a ref with a base directory', async () => {
    const repo = appDir({ 'app/index.html': 'git-v1' });
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args]);
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'v1');
    git('tag', 'v1');
    writeFileSync(join(repo, 'app/index.html'), 'git-v2');
    git('commit', '-qam', 'v2');
    const d = await expectLive({ name: 'from-git', source: { kind: 'git', location: `file://${repo}`, gitRef: 'v1', baseDirectory: 'app' } }, 'git-v1');
    expect(d.sourceSummary.gitRef).toBe('v1');
    expect(d.sourceSummary.baseDirectory).toBe('app');
    expect(d.sourceSummary.commit).toBe(execFileSync('git', ['-C', repo, 'rev-parse', 'v1^{commit}']).toString().trim());
  });

  it('a zip archive', async () => {
    mkdirSync(TEST_ROOT, { recursive: true });
    const zip = join(appDir({}), 'site.zip');
    writeFileSync(zip, zipBuffer([{ name: 'site/' }, { name: 'site/index.html', data: 'zip-ok' }]));
    await expectLive({ name: 'from-zip', source: { kind: 'zip', location: zip, baseDirectory: 'site' } }, 'zip-ok');
  });
});
