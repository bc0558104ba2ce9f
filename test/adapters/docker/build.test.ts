import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGES } from '../../../src/core/plan/base-images.js';
import { rejection } from '../../support/rejection.js';
import { DockerRun, prepareStaticRun, uid } from '../../support/docker.js';

const run = new DockerRun();
let network: string;

beforeAll(async () => {
  network = await prepareStaticRun(run);
});
afterAll(() => run.cleanup());


describe('DockerEngine.build', () => {
  it('streams the context honouring .dockerignore, applies labels, and keeps the generated Dockerfile out of the image', async () => {
    const dir = run.context({
      'index.html': 'hello',
      'secret.env': 'TOKEN=x',
      'logs/app.log': 'noise',
      'src/keep.txt': 'kept',
      'src/drop.tmp': 'tmp',
      '.dockerignore': '# comment\nsecret.env\nlogs/\n**/*.tmp\n',
    });
    const lines: string[] = [];
    const tag = run.image('ctx');
    const built = await run.engine.build({
      contextDir: dir,
      dockerfile: { text: `FROM ${BASE_IMAGES.static}\nCOPY . /srv\n` },
      tag,
      labels: run.labels({ 'dev.berth.deployment': 'dep_1' }),
      onLog: (l) => lines.push(l),
    });
    expect(built.tag).toBe(tag);
    expect(built.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await run.engine.imageId(tag)).toBe(built.imageId);
    expect(lines.length).toBeGreaterThan(0);

    const image = await run.engine.docker.getImage(tag).inspect();
    expect(image.Config.Labels).toMatchObject({ 'dev.berth.deployment': 'dep_1', 'dev.berth.managed': 'true' });

    const { exitCode, output } = await run.exec(tag, ['sh', '-c', 'cd /srv && find . -type f | sort'], network);
    expect(exitCode).toBe(0);
    const files = output.trim().split('\n');
    expect(files).toContain('./index.html');
    expect(files).toContain('./src/keep.txt');
    expect(files).not.toContain('./secret.env');
    expect(files).not.toContain('./logs/app.log');
    expect(files).not.toContain('./src/drop.tmp');
    expect(files).not.toContain('./.berth.Dockerfile');
  });

  it('builds from a Dockerfile path in the context, even when .dockerignore lists it, masking build args in the log', async () => {
    const dir = run.context({
      'docker/app.Dockerfile': `FROM ${BASE_IMAGES.static}\nARG API_KEY\nRUN echo "key is $API_KEY" && echo "$API_KEY" > /srv/arg\n`,
      '.dockerignore': 'docker/\n',
    });
    const tag = run.image('path');
    const lines: string[] = [];
    await run.engine.build({
      contextDir: dir,
      dockerfile: { path: 'docker/app.Dockerfile' },
      tag,
      labels: run.labels(),
      buildArgs: { API_KEY: 's3cr3t-value' },
      onLog: (l) => lines.push(l),
    });
    const { output } = await run.exec(tag, ['cat', '/srv/arg'], network);
    expect(output.trim()).toBe('s3cr3t-value');
    expect(lines).toContain('key is [redacted]');
    expect(lines.some((l) => l.includes('s3cr3t-value'))).toBe(false);
  });

  it('stops at the target stage of a multi-stage build, with the build args', async () => {
    const dir = run.context({
      Dockerfile: [
        `FROM ${BASE_IMAGES.static} AS base`,
        'ARG GREETING=unset',
        'RUN echo "base:$GREETING" > /srv/stage',
        'FROM base AS prod',
        'RUN echo prod > /srv/stage',
        '',
      ].join('\n'),
    });
    const tag = run.image('target');
    await run.engine.build({ contextDir: dir, dockerfile: { path: 'Dockerfile' }, tag, labels: run.labels(), buildArgs: { GREETING: `hi-${run.id}` }, target: 'base' });
    const { output } = await run.exec(tag, ['cat', '/srv/stage'], network);
    expect(output.trim()).toBe(`base:hi-${run.id}`);
  });

  // One RUN straight after FROM: a failed build then leaves no intermediate image behind.
  it('a failing step is image_build_failed with the step, exit code and log tail', async () => {
    const dir = run.context({ 'a.txt': 'a' });
    const tag = run.image('fail');
    const err = await rejection(
      run.engine.build({
        contextDir: dir,
        dockerfile: { text: `FROM ${BASE_IMAGES.static}\nRUN for i in $(seq 1 30); do echo "output-line-$i"; done; exit 3\n` },
        tag,
        labels: run.labels(),
      }),
    );
    expect(err.code).toBe('image_build_failed');
    expect(err.details.exitCode).toBe(3);
    expect(String(err.details.step)).toMatch(/^RUN /);
    const tail = String(err.details.logTail).split('\n');
    expect(tail).toContain('output-line-30');
    expect(tail).not.toContain('output-line-1');
    expect(tail.length).toBeLessThanOrEqual(20);
    expect(await run.engine.imageId(tag)).toBeUndefined();
  });

  it('a Dockerfile the engine cannot find is image_build_failed', async () => {
    const dir = run.context({ 'a.txt': 'a' });
    const err = await rejection(run.engine.build({ contextDir: dir, dockerfile: { path: 'Missing.Dockerfile' }, tag: run.image('nofile'), labels: run.labels() }));
    expect(err.code).toBe('image_build_failed');
  });

  it('a missing context directory is image_build_failed at the context step', async () => {
    const err = await rejection(run.engine.build({ contextDir: `${run.context({})}/missing`, dockerfile: { text: 'FROM scratch\n' }, tag: run.image('noctx'), labels: run.labels() }));
    expect(err.code).toBe('image_build_failed');
    expect(err.details).toMatchObject({ step: 'context', reason: 'ENOENT' });
  });

  it('aborting stops following the build and rejects', async () => {
    const dir = run.context({ 'a.txt': 'a' });
    const controller = new AbortController();
    const started = Date.now();
    const pending = run.engine.build({
      contextDir: dir,
      dockerfile: { text: `FROM ${BASE_IMAGES.static}\nRUN echo started ${uid()} && sleep 30\n` },
      tag: run.image('abort'),
      labels: run.labels(),
      signal: controller.signal,
      onLog: (l) => {
        if (l.includes('started')) controller.abort();
      },
    });
    const err = await rejection(pending);
    expect(err.code).toBe('image_build_failed');
    expect(err.details.reason).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
