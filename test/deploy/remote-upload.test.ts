import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packSource } from '../../src/adapters/sources/pack.js';
import { CaddyEdgeProxy } from '../../src/adapters/proxy/caddy-edge-proxy.js';
import type { ApiClient } from '../../src/surfaces/client/api-client.js';
import { appDir } from '../support/apps.js';
import { runCli } from '../support/cli.js';
import { FAST_ENGINE_ENV } from '../support/control-plane.js';
import { viaProxy } from '../support/deploy.js';
import { removeRuntimeOf } from '../support/docker-objects.js';
import { uid } from '../support/docker.js';
import { BIN, TEST_ROOT } from '../support/paths.js';
import { freePort } from '../support/ports.js';
import { startServeProcess } from '../support/serve-process.js';
import { freshStore } from '../support/store.js';

// A remote control plane (BERTH_URL) is a separate `berth serve` process. The CLI uploads the
// source; the folder is deleted as soon as the upload is acknowledged, so a deploy that still
// read the client's path would fail.

const LIMIT = 256 * 1024;

let client: ApiClient;
let cliEnv: NodeJS.ProcessEnv;
let httpPort: number;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  const store = await freshStore();
  httpPort = await freePort();
  const env = {
    ...FAST_ENGINE_ENV,
    BERTH_DATABASE_URL: store.databaseUrl ?? '',
    BERTH_HTTP_PORT: String(httpPort),
    BERTH_PROXY_BOOTSTRAP: 'false',
    BERTH_UPLOAD_MAX_BYTES: String(LIMIT),
  };
  cleanups.push(() => new CaddyEdgeProxy({ home: store.home }).stop());
  const serve = await startServeProcess(env, store.home);
  cleanups.push(async () => {
    const resources = JSON.parse((await serve.client.raw('GET', '/api/resources')).body).items as { id: string }[];
    serve.child.kill('SIGTERM');
    await new Promise((r) => serve.child.once('exit', r));
    await removeRuntimeOf(resources.map((r) => r.id));
  });
  client = serve.client;
  mkdirSync(TEST_ROOT, { recursive: true });
  // The client's own home: no state file, so only BERTH_URL can lead it to the control plane.
  const clientHome = mkdtempSync(join(TEST_ROOT, 'client-home-'));
  cliEnv = { ...process.env, BERTH_HOME: clientHome, BERTH_URL: client.connection.url, BERTH_TOKEN: client.connection.token, BERTH_DATABASE_URL: '' };
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

/** Runs `berth up`, deleting `dir` the moment the CLI reports the upload acknowledged. */
function upThenDelete(args: string[], dir: string): Promise<{ code: number | null; stdout: string; stderr: string; deletedAfterUpload: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'up', ...args], { env: cliEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let deletedAfterUpload = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!deletedAfterUpload && /uploaded upl_\w+/.test(stderr)) {
        rmSync(dir, { recursive: true, force: true });
        deletedAfterUpload = true;
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, deletedAfterUpload });
    });
  });
}

const viaEdge = (url: string, path = '/') => viaProxy({ httpPort }, url, path);

describe('a remote control plane receives the source as an upload', () => {
  it('berth up ./folder: the folder is removed once uploaded, the deploy still serves it, ignored files stay behind', async () => {
    const marker = `remote-${uid()}`;
    const dir = appDir({ 'index.html': marker, 'page.html': 'page', 'secret.txt': 'client-only', '.gitignore': 'secret.txt\n', 'drafts/a.html': 'draft', '.dockerignore': 'drafts\n' });
    const run = await upThenDelete([dir, '--name', 'remote-folder'], dir);
    expect(run.deletedAfterUpload).toBe(true);
    expect(run.code, run.stderr).toBe(0);
    const url = run.stdout.match(/live at (\S+)/)?.[1];
    expect(url).toBeDefined();
    expect(await viaEdge(url!)).toMatchObject({ status: 200, body: marker });
    expect(await viaEdge(url!, '/page.html')).toMatchObject({ status: 200, body: 'page' });
    expect((await viaEdge(url!, '/secret.txt')).status).toBe(404);
    expect((await viaEdge(url!, '/drafts/a.html')).status).toBe(404);
    const deployments = JSON.parse((await client.raw('GET', '/api/deployments')).body).items as { sourceSummary: { kind: string } }[];
    expect(deployments[0]!.sourceSummary.kind).toBe('upload');
  });

  it('berth up compose.yaml uploads the compose folder with its build context', async () => {
    const marker = `compose-${uid()}`;
    const dir = appDir({
      'compose.yaml': 'services:\n  web:\n    build: ./site\n    expose: ["80"]\n',
      'site/Dockerfile': 'FROM berth/static:1\nCOPY index.html /srv/index.html\n',
      'site/index.html': marker,
    });
    const run = await upThenDelete([join(dir, 'compose.yaml'), '--name', 'remote-compose'], dir);
    expect(run.deletedAfterUpload).toBe(true);
    expect(run.code, run.stderr).toBe(0);
    const url = run.stdout.match(/live at (\S+)/)?.[1];
    expect(await viaEdge(url!)).toMatchObject({ status: 200, body: marker });
  });

  it('berth up <local repo> --ref: the commit at the ref is uploaded, not the working tree', async () => {
    const repo = appDir({ 'index.html': 'at-ref' });
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' } });
    git('init', '--quiet', '--initial-branch=main');
    git('add', '-A');
    git('commit', '--quiet', '-m', 'v1');
    git('tag', 'v1');
    writeFileSync(join(repo, 'index.html'), 'working-tree');
    const run = await upThenDelete([repo, '--ref', 'v1', '--name', 'remote-git'], repo);
    expect(run.deletedAfterUpload).toBe(true);
    expect(run.code, run.stderr).toBe(0);
    const url = run.stdout.match(/live at (\S+)/)?.[1];
    expect(await viaEdge(url!)).toMatchObject({ status: 200, body: 'at-ref' });
  });

  it('a source over BERTH_UPLOAD_MAX_BYTES is refused with upload_too_large and the limit, and nothing is deployed', async () => {
    const dir = appDir({ 'index.html': 'big', 'blob.bin': randomBytes(LIMIT * 2).toString('base64') });
    const res = await runCli(['up', dir, '--name', 'too-large', '--json'], cliEnv, { timeoutMs: 60_000 });
    expect(res.code).toBe(2);
    const error = res.json<{ error: { code: string; details: { limitBytes: number } } }>().error;
    expect(error).toMatchObject({ code: 'upload_too_large', details: { limitBytes: LIMIT } });
    const resources = JSON.parse((await client.raw('GET', '/api/resources')).body).items as { name: string }[];
    expect(resources.map((r) => r.name)).not.toContain('too-large');
  });

  it('with Expect: 100-continue a declared size over the limit is refused before the body is asked for', async () => {
    const url = new URL(`/api/uploads?kind=folder&sha256=${'0'.repeat(64)}`, client.connection.url);
    const headers = { authorization: `Bearer ${client.connection.token}`, 'content-type': 'application/x-tar', 'content-length': String(LIMIT + 1), expect: '100-continue' };
    const answer = await new Promise<{ status: number; body: string; continued: boolean }>((resolve, reject) => {
      let continued = false;
      const req = request(url, { method: 'POST', agent: false, headers }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body, continued });
        });
      });
      req.on('continue', () => (continued = true));
      req.on('error', () => undefined);
      req.flushHeaders();
      setTimeout(() => reject(new Error('no answer')), 30_000).unref();
    });
    expect(answer.continued).toBe(false);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 'upload_too_large', details: { limitBytes: LIMIT, receivedBytes: LIMIT + 1 } });
  });

  it('a body without a length is counted as it arrives and refused past the limit', async () => {
    const url = new URL(`/api/uploads?kind=folder&sha256=${'0'.repeat(64)}`, client.connection.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(url, { method: 'POST', agent: false, headers: { authorization: `Bearer ${client.connection.token}`, 'content-type': 'application/x-tar', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', () => undefined);
      const chunk = Buffer.alloc(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < LIMIT * 4) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
      setTimeout(() => reject(new Error('no answer')), 30_000).unref();
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 'upload_too_large', details: { limitBytes: LIMIT } });
  });

  it('bytes that do not match their sha256 are refused with upload_checksum_mismatch', async () => {
    const dir = appDir({ 'index.html': 'checksum' });
    const packed = (await packSource({ kind: 'folder', location: dir }))!;
    try {
      const wrong = packed.sha256.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      const res = await client.upload({ ...packed, sha256: wrong });
      expect(res).toMatchObject({ ok: false, error: { code: 'upload_checksum_mismatch', details: { expectedSha256: wrong, actualSha256: packed.sha256 } } });
      const good = await client.upload(packed);
      expect(good).toMatchObject({ ok: true, data: { sha256: packed.sha256, sizeBytes: packed.sizeBytes } });
    } finally {
      await packed.dispose();
    }
  });

  it('berth plan uploads too; an upload without a valid token is refused before its body is read', async () => {
    const dir = appDir({ 'index.html': 'plan-me' });
    const plan = await runCli(['plan', dir, '--json'], cliEnv);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.json()).toMatchObject({ status: 'ready', source: { kind: 'upload' } });
    const packed = (await packSource({ kind: 'folder', location: dir }))!;
    try {
      const { ApiClient } = await import('../../src/surfaces/client/api-client.js');
      const stranger = new ApiClient({ url: client.connection.url, token: 'not-a-token' });
      expect(await stranger.upload(packed)).toMatchObject({ ok: false, error: { code: 'token_invalid' } });
    } finally {
      await packed.dispose();
    }
  });

  it('a deploy naming an unknown upload fails with upload_not_found', async () => {
    const res = JSON.parse((await client.raw('POST', '/api/deployments', JSON.stringify({ name: 'no-upload', source: { kind: 'upload', location: 'upl_0000000000aaaaaaaaaaaaaaaa' } }))).body) as { id: string };
    const deadline = Date.now() + 60_000;
    let status: { status: string; error?: { code: string } } = { status: 'queued' };
    while (Date.now() < deadline && !['failed', 'succeeded', 'interrupted'].includes(status.status)) {
      await new Promise((r) => setTimeout(r, 200));
      status = JSON.parse((await client.raw('GET', `/api/deployments/${res.id}`)).body);
    }
    expect(status).toMatchObject({ status: 'failed', error: { code: 'upload_not_found' } });
  });
});

