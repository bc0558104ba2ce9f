import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { baseImageRevision, ensureBaseImages, makeBaseImage } from '../../../src/adapters/docker/base-images.js';
import { spawnMmdebstrap, type MmdebstrapRunner } from '../../../src/adapters/docker/debian-rootfs.js';
import { BerthError } from '../../../src/core/errors/berth-error.js';
import { baseImageNames, DEBIAN_NODE_MAJOR, STATIC_INTERNAL_PORT, staticCommand, type BaseImageName } from '../../../src/core/plan/base-images.js';
import { DockerRun, ensureDockerd, waitFor } from '../../support/docker.js';

// The suite's global setup makes the canonical images once (minutes the first time: mmdebstrap),
// filling the rootfs cache. Here every base image is made anew into this run's tags, the node
// ones from that cache (seconds), so what is checked is what this code makes, whatever another
// checkout may have left under the canonical tags.

const run = new DockerRun();
let network: string;
const HOST_MAJOR = Number(process.versions.node.split('.')[0]);
const HOST_NODE: BaseImageName = `node:${HOST_MAJOR}`;
const DEBIAN_NODE: BaseImageName = `node:${DEBIAN_NODE_MAJOR}`;

const tags: Partial<Record<BaseImageName, string>> = Object.fromEntries(baseImageNames(process.version).map((n) => [n, run.image(`base-${n.replace(':', '-')}`)]));
const tagFor = (name: BaseImageName): string => tags[name] ?? run.image('never');
const runner = vi.fn(spawnMmdebstrap());
let made: Partial<Record<BaseImageName, string>>;
let makeSeconds: number;

beforeAll(async () => {
  await ensureDockerd();
  network = await run.network();
  const started = Date.now();
  made = await ensureBaseImages(run.engine, { tagFor, runner });
  makeSeconds = (Date.now() - started) / 1000;
}, 300_000);
afterAll(() => run.cleanup());

// One container per image for every check: each container start costs ~1 s.
const PROBE = [
  'node -v',
  'npm --version',
  'npx --version',
  'corepack --version',
  'echo "$HOME $COREPACK_ENABLE_DOWNLOAD_PROMPT $(pwd)"',
  'test -s /etc/ssl/certs/ca-certificates.crt && echo ca-ok',
  'ldconfig -p | grep -q "librt.so.1 " && echo librt-ok',
  // A TLS client of Node itself trusts Debian's bundle: the registry certificate chain verifies.
  `node -e "require('tls').rootCertificates.length > 100 || process.exit(3)" && echo roots-ok`,
].join(' && ');

const version = /\d+\.\d+\.\d+/.source;

async function fetchText(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const res = await fetch(url);
    return { status: res.status, body: await res.text() };
  } catch {
    return undefined;
  }
}

describe('berth/node images, Debian bookworm made by mmdebstrap', () => {
  it(`berth/node:${HOST_MAJOR} runs the host's node, npm and corepack, with sh, CA bundle and librt`, async () => {
    const probe = await run.exec(tagFor(HOST_NODE), ['sh', '-c', PROBE], network);
    expect(probe.exitCode).toBe(0);
    const lines = probe.output.trim().split('\n');
    expect(lines[0]).toBe(process.version);
    expect(lines.slice(1, 4).every((l) => new RegExp(`^${version}$`).test(l))).toBe(true);
    expect(lines.slice(4)).toEqual(['/root 0 /app', 'ca-ok', 'librt-ok', 'roots-ok']);
    const image = (await run.engine.docker.getImage(tagFor(HOST_NODE)).inspect()) as { Comment?: string; Config: { Cmd: string[]; Labels: Record<string, string> } };
    expect(image.Comment).toBe(baseImageRevision(HOST_NODE));
    expect(image.Comment).toContain(process.version);
    expect(image.Config.Cmd).toEqual(['node']);
    expect(image.Config.Labels['dev.berth.managed']).toBe('true');
  });

  it(`berth/node:${DEBIAN_NODE_MAJOR} runs Debian's nodejs and npm, with corepack, sh, CA bundle and librt`, async () => {
    const probe = await run.exec(tagFor(DEBIAN_NODE), ['sh', '-c', PROBE], network);
    expect(probe.exitCode).toBe(0);
    const lines = probe.output.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^v${DEBIAN_NODE_MAJOR}\\.\\d+\\.\\d+$`));
    expect(lines.slice(1, 4).every((l) => new RegExp(`^${version}$`).test(l))).toBe(true);
    expect(lines.slice(4)).toEqual(['/root 0 /app', 'ca-ok', 'librt-ok', 'roots-ok']);
  });

  it('the node images were remade from the cached rootfs tarballs in seconds, without running mmdebstrap', async () => {
    expect(runner).not.toHaveBeenCalled();
    expect(makeSeconds).toBeLessThan(150); // ~15 s for all on an idle machine; one mmdebstrap run takes minutes
    const node = await run.exec(tagFor(HOST_NODE), ['node', '-e', 'console.log(process.version, process.cwd())'], network);
    expect(node).toEqual({ exitCode: 0, output: `${process.version} /app\n` });
  });

  it('with an empty cache mmdebstrap runs, and its failure is image_build_failed with its exit code and log', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'berth-cache-'));
    try {
      const runner = vi.fn<MmdebstrapRunner>(async () => ({ exitCode: 1, output: 'I: running apt-get update...\nE: apt-get update failed' }));
      const err = await makeBaseImage(run.engine, DEBIAN_NODE, run.image('never'), { cacheDir, runner }).catch((e: unknown) => e);
      expect(runner).toHaveBeenCalledTimes(1);
      const args = runner.mock.calls[0]?.[0] ?? [];
      expect(args).toContain('--variant=minbase');
      expect(args.find((a) => a.startsWith('--include='))?.split('=')[1]?.split(',').sort()).toEqual(['ca-certificates', 'nodejs', 'npm']);
      expect(err).toBeInstanceOf(BerthError);
      expect((err as BerthError).code).toBe('image_build_failed');
      expect((err as BerthError).details).toMatchObject({ exitCode: 1, logTail: expect.stringContaining('E: apt-get update failed') });
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('without mmdebstrap on the host, image_build_failed names it', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'berth-cache-'));
    try {
      const err = await makeBaseImage(run.engine, HOST_NODE, run.image('never'), { cacheDir, runner: spawnMmdebstrap('/nonexistent/mmdebstrap') }).catch((e: unknown) => e);
      expect((err as BerthError).code).toBe('image_build_failed');
      expect((err as BerthError).details).toMatchObject({ exitCode: null, logTail: expect.stringContaining('mmdebstrap') });
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});

describe('berth/static: Caddy serving /srv', () => {
  let app: string;

  beforeAll(async () => {
    const base = tagFor('static');
    app = run.image('static-app');
    const dir = run.context({ 'index.html': `static ${run.id}`, 'css/site.css': 'body{}' });
    await run.engine.build({ contextDir: dir, dockerfile: { text: `FROM ${base}\nCOPY . /srv\n` }, tag: app, labels: run.labels() });
  });

  it('a generated `COPY . /srv` Dockerfile on top of it serves the files, and it stops on SIGTERM', async () => {
    const c = await run.engine.run({ name: run.name('static'), image: app, labels: run.labels(), network });
    const res = await waitFor('static server', () => fetchText(`http://${c.ip}:${STATIC_INTERNAL_PORT}/`));
    expect(res).toEqual({ status: 200, body: `static ${run.id}` });
    // The plain config answers a path that matches no file with 404.
    expect((await fetchText(`http://${c.ip}:${STATIC_INTERNAL_PORT}/app/settings`))?.status).toBe(404);
    const started = Date.now();
    await run.engine.stop(c.id, 10);
    expect(Date.now() - started).toBeLessThan(5_000); // stops on SIGTERM, not by the timeout's SIGKILL
    expect((await run.engine.inspect(c.id))?.exitCode).toBe(0);
  });

  it('the SPA config answers a deep link with index.html and still serves files', async () => {
    const c = await run.engine.run({ name: run.name('static-spa'), image: app, command: staticCommand(true), labels: run.labels(), network });
    const root = await waitFor('spa server', () => fetchText(`http://${c.ip}:${STATIC_INTERNAL_PORT}/`));
    expect(root).toEqual({ status: 200, body: `static ${run.id}` });
    expect(await fetchText(`http://${c.ip}:${STATIC_INTERNAL_PORT}/app/settings/42`)).toEqual({ status: 200, body: `static ${run.id}` });
    expect(await fetchText(`http://${c.ip}:${STATIC_INTERNAL_PORT}/css/site.css`)).toEqual({ status: 200, body: 'body{}' });
  });
});

describe('ensureBaseImages', () => {
  it('made every image of this host (static and each node runtime), then keeps current ones: one inspect each, nothing made', async () => {
    expect(Object.keys(made).sort()).toEqual([...baseImageNames(process.version)].sort());
    for (const name of baseImageNames(process.version)) {
      expect(made[name]).toBe(await run.engine.imageId(tagFor(name)));
      const image = (await run.engine.docker.getImage(tagFor(name)).inspect()) as { Comment?: string };
      expect(image.Comment).toBe(baseImageRevision(name));
    }
    const getImage = vi.spyOn(run.engine.docker, 'getImage');
    const importImage = vi.spyOn(run.engine, 'importImage');
    try {
      expect(await ensureBaseImages(run.engine, { tagFor })).toEqual(made);
      expect(importImage).not.toHaveBeenCalled();
      expect(getImage).toHaveBeenCalledTimes(baseImageNames(process.version).length);
    } finally {
      getImage.mockRestore();
      importImage.mockRestore();
    }
  });

  it('replaces a stale image (an older revision) and removes it', async () => {
    const tag = run.image('stale-static');
    const stale = await run.engine.importImage({ rootDir: run.context({ 'old.txt': 'old' }), tag, changes: [], labels: run.labels(), comment: 'berth base image berth/static:1 r3' });
    const ids = await ensureBaseImages(run.engine, { only: ['static'], tagFor: () => tag });
    expect(ids.static).not.toBe(stale);
    expect(await run.engine.imageId(tag)).toBe(ids.static);
    const image = (await run.engine.docker.getImage(tag).inspect()) as { Comment?: string };
    expect(image.Comment).toBe(baseImageRevision('static'));
    expect(await run.engine.imageId(stale)).toBeUndefined();
  });

  it('a node major this host cannot provide is image_build_failed', async () => {
    const err = await ensureBaseImages(run.engine, { only: ['node:7'], tagFor: () => run.image('never') }).catch((e: unknown) => e);
    expect((err as BerthError).code).toBe('image_build_failed');
  });
});
