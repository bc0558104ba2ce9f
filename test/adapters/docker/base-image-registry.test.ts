import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBaseImages } from '../../../src/adapters/docker/base-images.js';
import { BerthError } from '../../../src/core/errors/berth-error.js';
import { DockerRun, ensureDockerd, ensureRegistry, REGISTRY, uid } from '../../support/docker.js';
import { TEST_ROOT } from '../../support/paths.js';

// BERTH_IMAGE_REGISTRY: berth/node:<major> pulled from `<registry>/library/node:<major>-bookworm-slim`,
// verified, tagged and its digest recorded; a pinned digest the registry does not serve is
// refused; an unreachable registry falls back to the local build. A private registry on
// 127.0.0.1 holds the locally built berth/node:20 under a path of this run only, and every tag
// made here is a test tag (the canonical berth/node images stay as they are).

const MAJOR = Number(process.versions.node.split('.')[0]);

describe('node base images from a registry', () => {
  const run = new DockerRun();
  const id = uid();
  const registry = `${REGISTRY}/berth-test-${id}`;
  const pushedRef = `${registry}/library/node:${MAJOR}-bookworm-slim`;
  const tags: string[] = [];
  const testTag = (what: string) => {
    const tag = `berth-test-node-${what}-${id}:${MAJOR}`;
    tags.push(tag);
    return tag;
  };
  let pushedDigest = '';
  let cacheDir: string;

  beforeAll(async () => {
    await ensureDockerd();
    await ensureRegistry();
    cacheDir = mkdtempSync(join(TEST_ROOT, 'registry-cache-'));
    await ensureBaseImages(run.engine, { only: [`node:${MAJOR}`] });
    const d = run.engine.docker;
    const [repo, tag] = [pushedRef.slice(0, pushedRef.lastIndexOf(':')), pushedRef.slice(pushedRef.lastIndexOf(':') + 1)];
    await d.getImage(`berth/node:${MAJOR}`).tag({ repo, tag });
    const stream = await d.getImage(pushedRef).push({ authconfig: { serveraddress: REGISTRY } });
    await new Promise<void>((resolve, reject) =>
      d.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve()), (e: { aux?: { Digest?: string }; error?: string }) => {
        if (e.aux?.Digest) pushedDigest = e.aux.Digest;
        if (e.error) reject(new Error(e.error));
      }),
    );
    expect(pushedDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Only the registry holds it now: the pull below must fetch it.
    await d.getImage(pushedRef).remove();
    await d.getImage(`${repo}@${pushedDigest}`).remove().catch(() => undefined);
  }, 600_000);
  afterAll(async () => {
    for (const tag of tags) await run.engine.removeImage(tag).catch(() => undefined);
    await run.engine.removeImage(pushedRef).catch(() => undefined);
    await run.cleanup();
  });

  it('pulls the slim image, tags it, records its digest, and a later check is current without pulling', { timeout: 300_000 }, async () => {
    const tag = testTag('pulled');
    const ids = await ensureBaseImages(run.engine, { only: [`node:${MAJOR}`], tagFor: () => tag, registry: { registry, cacheDir } });
    const info = await run.engine.docker.getImage(tag).inspect();
    expect(ids[`node:${MAJOR}`]).toBe(info.Id);
    expect(info.RepoDigests).toContain(`${registry}/library/node@${pushedDigest}`);
    const record = JSON.parse(readFileSync(join(cacheDir, 'registry-images.json'), 'utf8')) as Record<string, { digest: string; imageId: string }>;
    expect(record[tag]).toMatchObject({ digest: pushedDigest, imageId: info.Id });

    // Current: no pull (the registry's copy is gone from the engine and is not fetched again).
    await run.engine.removeImage(pushedRef);
    const again = await ensureBaseImages(run.engine, { only: [`node:${MAJOR}`], tagFor: () => tag, registry: { registry, cacheDir } });
    expect(again[`node:${MAJOR}`]).toBe(info.Id);
    expect(await run.engine.imageId(pushedRef)).toBeUndefined();
  });

  it('pulls by a pinned digest, and refuses a pin the registry does not serve with digest-mismatch', { timeout: 300_000 }, async () => {
    const pinned = testTag('pinned');
    await ensureBaseImages(run.engine, { only: [`node:${MAJOR}`], tagFor: () => pinned, registry: { registry, cacheDir, digests: { [MAJOR]: pushedDigest } } });
    expect((await run.engine.docker.getImage(pinned).inspect()).RepoDigests).toContain(`${registry}/library/node@${pushedDigest}`);

    const refused = testTag('refused');
    const wrong = `sha256:${'0'.repeat(64)}`;
    const err = await ensureBaseImages(run.engine, { only: [`node:${MAJOR}`], tagFor: () => refused, registry: { registry, cacheDir, digests: { [MAJOR]: wrong } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BerthError);
    expect(err).toMatchObject({ code: 'image_build_failed', details: { reason: 'digest-mismatch', pinned: wrong, digest: pushedDigest } });
    expect(await run.engine.imageId(refused)).toBeUndefined();
  });

  it('an unreachable registry falls back to the local build, with the reason logged', { timeout: 600_000 }, async () => {
    const tag = testTag('fallback');
    const logged: string[] = [];
    const ids = await ensureBaseImages(run.engine, { only: [`node:${MAJOR}`], tagFor: () => tag, registry: { registry: '127.0.0.1:1', cacheDir }, log: (m) => logged.push(m) });
    const info = await run.engine.docker.getImage(tag).inspect();
    expect(ids[`node:${MAJOR}`]).toBe(info.Id);
    expect(info.Comment).toMatch(/^berth base image/);
    expect(logged).toHaveLength(1);
  });
});
