import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseImageRevision, ensureBaseImages, makeBaseImage } from '../../../src/adapters/docker/base-images.js';
import { BASE_IMAGES, nodeImage, STATIC_INTERNAL_PORT } from '../../../src/core/plan/base-images.js';
import { DockerRun, ensureDockerd, waitFor } from '../../support/docker.js';

// The base images are made here into per-run tags, so the assembly itself is exercised on every
// run; the canonical tags are only ensured (and kept, for every other test and deploy).

const run = new DockerRun();
let network: string;

beforeAll(async () => {
  await ensureDockerd();
  network = await run.network();
});
afterAll(() => run.cleanup());

describe('base images made from host files, with no registry', () => {
  it('berth/node: node, sh and npm run in it', { timeout: 120_000 }, async () => {
    const tag = run.image('base-node');
    const started = Date.now();
    await makeBaseImage(run.engine, 'node', tag);
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeLessThan(45); // ~5 s on an idle machine; the classic builder took ~20 s

    const node = await run.exec(tag, ['node', '-e', 'console.log(process.version, process.cwd())'], network);
    expect(node).toEqual({ exitCode: 0, output: `${process.version} /app\n` });
    // One container for the shell and npm: each container start costs ~1 s.
    const shAndNpm = await run.exec(tag, ['sh', '-c', 'echo "$((6 * 7))" && npm --version'], network);
    expect(shAndNpm.exitCode).toBe(0);
    expect(shAndNpm.output).toMatch(/^42\n\d+\.\d+\.\d+\n$/);
  });

  it('berth/static: a generated `COPY . /srv` Dockerfile on top of it serves the files', async () => {
    const base = run.image('base-static');
    await makeBaseImage(run.engine, 'static', base);
    const app = run.image('static-app');
    const dir = run.context({ 'index.html': `static ${run.id}`, 'css/site.css': 'body{}' });
    await run.engine.build({ contextDir: dir, dockerfile: { text: `FROM ${base}\nCOPY . /srv\n` }, tag: app, labels: run.labels() });
    const c = await run.engine.run({ name: run.name('static'), image: app, labels: run.labels(), network });
    const body = await waitFor('static server', async () => {
      try {
        const res = await fetch(`http://${c.ip}:${STATIC_INTERNAL_PORT}/`);
        return res.ok ? await res.text() : undefined;
      } catch {
        return undefined;
      }
    });
    expect(body).toBe(`static ${run.id}`);
    const started = Date.now();
    await run.engine.stop(c.id, 10);
    expect(Date.now() - started).toBeLessThan(5_000); // stops on SIGTERM, not by the timeout's SIGKILL
    expect((await run.engine.inspect(c.id))?.exitCode).toBe(0);
  });

  it('ensureBaseImages makes the canonical images once, then only looks them up', async () => {
    const first = await ensureBaseImages(run.engine);
    expect(first.static).toBe(await run.engine.imageId(BASE_IMAGES.static));
    expect(first.node).toBe(await run.engine.imageId(nodeImage(20)));
    const image = (await run.engine.docker.getImage(nodeImage(20)).inspect()) as { Comment?: string };
    expect(image.Comment).toBe(baseImageRevision('node'));

    const started = Date.now();
    expect(await ensureBaseImages(run.engine)).toEqual(first);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
