import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BerthError } from '../../../src/core/errors/berth-error.js';
import { DockerEngine } from '../../../src/adapters/docker/docker-engine.js';
import { followJsonStream } from '../../../src/adapters/docker/json-stream.js';
import { DockerRun, ensureDockerd, ensureRegistry, REGISTRY } from '../../support/docker.js';

const run = new DockerRun({ pullBaseDelayMs: 10 });

beforeAll(async () => {
  await ensureDockerd();
  await ensureRegistry();
});
afterAll(() => run.cleanup());

/** Pushes a local image to the test registry through the Engine API. */
async function push(ref: string): Promise<void> {
  const colon = ref.lastIndexOf(':');
  const image = run.engine.docker.getImage(ref.slice(0, colon));
  const stream = (await image.push({ tag: ref.slice(colon + 1), authconfig: {} })) as NodeJS.ReadableStream;
  let error: string | undefined;
  await followJsonStream(stream, (m) => (error = m.error ?? error));
  if (error) throw new Error(`push failed: ${error}`);
}

describe('DockerEngine.pull', () => {
  it('an image absent from the registry fails as image_pull_failed after maxAttempts, reporting each attempt', async () => {
    const image = `${REGISTRY}/berth-test/absent-${run.id}:1`;
    const attempts: { attempt: number; nextRetryAt: string | null }[] = [];
    const err = await run.engine.pull({ image, maxAttempts: 3, onAttempt: (attempt, nextRetryAt) => attempts.push({ attempt, nextRetryAt }) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BerthError);
    const e = err as BerthError;
    expect(e.code).toBe('image_pull_failed');
    expect(e.details).toMatchObject({ image, attempt: 3, nextRetryAt: null });
    expect(typeof e.details.reason).toBe('string');
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts[0]!.nextRetryAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(attempts[2]!.nextRetryAt).toBeNull();
  });

  it('aborting during the backoff stops retrying', async () => {
    const engine = new DockerEngine({ pullBaseDelayMs: 30_000 });
    const controller = new AbortController();
    const attempts: number[] = [];
    const started = Date.now();
    const err = await engine
      .pull({ image: `${REGISTRY}/berth-test/absent-${run.id}:2`, signal: controller.signal, onAttempt: (a) => (attempts.push(a), controller.abort()) })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(BerthError);
    expect((err as BerthError).code).toBe('image_pull_failed');
    expect((err as BerthError).details).toMatchObject({ reason: 'aborted', attempt: 1 });
    expect(attempts).toEqual([1]);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('an image pushed to the registry is pulled, and resolves to the same image id', async () => {
    const dir = run.context({ 'payload.txt': `payload ${run.id}` });
    const local = run.image('push-src');
    const built = await run.engine.build({ contextDir: dir, dockerfile: { text: 'FROM scratch\nCOPY payload.txt /\n' }, tag: local, labels: run.labels() });
    const remote = run.trackImage(`${REGISTRY}/berth-test/pushed-${run.id}:1`);
    await run.engine.tagImage(built.imageId, remote);
    await push(remote);
    await run.engine.removeImage(remote);
    expect(await run.engine.imageId(remote)).toBeUndefined();

    const attempts: number[] = [];
    const pulled = await run.engine.pull({ image: remote, onAttempt: (a) => attempts.push(a) });
    expect(pulled.imageId).toBe(built.imageId);
    expect(await run.engine.imageId(remote)).toBe(built.imageId);
    expect(attempts).toEqual([]);
  });
});
