import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import type { DockerEngine } from './docker-engine.js';
import { splitTag } from './images.js';
import { pullImage } from './pull.js';

// berth/node:<major> from a registry (BERTH_IMAGE_REGISTRY): the official slim image layout,
// `<registry>/library/node:<major>-bookworm-slim`, optionally pinned by digest. A pulled image
// cannot carry Berth's Comment or labels, so what it was pulled from is kept in a small JSON
// record under the cache dir: a later check is one inspect (the tag's image id against the record).

export interface RegistrySource {
  /** host[:port][/path], no scheme. */
  registry: string;
  /** BERTH_NODE_IMAGE_DIGEST_<major>: sha256:... per major. */
  digests?: Record<number, string>;
  /** Where the pull record is kept (BERTH_CACHE_DIR). */
  cacheDir: string;
}

interface PullRecord {
  /** What was asked for: the tag ref, or repo@digest when pinned. */
  source: string;
  /** The digest the registry served. */
  digest: string;
  imageId: string;
}

const RECORD_FILE = 'registry-images.json';

export const registryRepo = (registry: string) => `${registry.replace(/\/+$/, '')}/library/node`;
export const registryTagRef = (registry: string, major: number) => `${registryRepo(registry)}:${major}-bookworm-slim`;

function readRecords(cacheDir: string): Record<string, PullRecord> {
  try {
    return JSON.parse(readFileSync(join(cacheDir, RECORD_FILE), 'utf8')) as Record<string, PullRecord>;
  } catch {
    return {};
  }
}

function writeRecord(cacheDir: string, tag: string, record: PullRecord): void {
  mkdirSync(cacheDir, { recursive: true });
  const all = { ...readRecords(cacheDir), [tag]: record };
  const tmp = join(cacheDir, `.${RECORD_FILE}.${process.pid}`);
  writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`);
  renameSync(tmp, join(cacheDir, RECORD_FILE));
}

/** The pull record of `tag`, when the tag still names the image it records. */
export async function currentRegistryImage(engine: DockerEngine, tag: string, src: RegistrySource, major: number): Promise<PullRecord | undefined> {
  const record = readRecords(src.cacheDir)[tag];
  if (!record || record.source !== sourceRef(src, major)) return undefined;
  return (await engine.imageId(tag)) === record.imageId ? record : undefined;
}

const sourceRef = (src: RegistrySource, major: number) => {
  const pin = src.digests?.[major];
  return pin ? `${registryRepo(src.registry)}@${pin}` : registryTagRef(src.registry, major);
};

/** A registry failure the local build can stand in for (not a refused digest or a broken image). */
export class RegistryUnavailable extends Error {}

const mismatch = (tag: string, image: string, pinned: string, got: string) =>
  new BerthError('image_build_failed', `The registry's ${image} is not the pinned ${pinned}.`, { step: `pull ${tag}`, exitCode: null, logTail: `pinned ${pinned}, registry serves ${got}`, reason: 'digest-mismatch', image, pinned, digest: got });

async function digestOf(engine: DockerEngine, ref: string, repo: string): Promise<string> {
  const info = (await engine.docker.getImage(ref).inspect()) as { RepoDigests?: string[] };
  const mine = (info.RepoDigests ?? []).find((d) => d.startsWith(`${repo}@`));
  return mine ? mine.slice(repo.length + 1) : '';
}

/**
 * Pulls berth/node:<major> (as `tag`) from the registry, checks it runs node of that major and
 * npm, and records the digest. RegistryUnavailable when the registry cannot be pulled from.
 */
export async function pullRegistryNode(engine: DockerEngine, major: number, tag: string, src: RegistrySource): Promise<string> {
  const repo = registryRepo(src.registry);
  const tagRef = registryTagRef(src.registry, major);
  const pin = src.digests?.[major];
  const ref = sourceRef(src, major);
  try {
    await pullImage(engine.docker, { image: ref, maxAttempts: 2 }, 200);
  } catch (err) {
    if (pin) {
      // The pinned digest is not there: if the tag is, the registry serves another image.
      const served = await pullImage(engine.docker, { image: tagRef, maxAttempts: 1 }).then(
        () => digestOf(engine, tagRef, repo),
        () => undefined,
      );
      if (served !== undefined) throw mismatch(tag, tagRef, pin, served);
    }
    throw new RegistryUnavailable(`pull ${ref}: ${err instanceof BerthError ? String(err.details.reason ?? err.message) : String(err)}`);
  }
  const digest = await digestOf(engine, ref, repo);
  if (pin && digest !== pin) throw mismatch(tag, ref, pin, digest);
  await verifyNode(engine, ref, major, tag);
  const { repo: toRepo, tag: toTag } = splitTag(tag);
  await engine.docker.getImage(ref).tag({ repo: toRepo, tag: toTag });
  const imageId = (await engine.imageId(tag))!;
  writeRecord(src.cacheDir, tag, { source: ref, digest, imageId });
  return imageId;
}

/** The image runs node of the expected major, and npm. */
async function verifyNode(engine: DockerEngine, ref: string, major: number, tag: string): Promise<void> {
  const lines: string[] = [];
  const task = await engine.runTask({
    name: `berth-verify-node-${major}-${process.pid}-${Date.now().toString(36)}`,
    image: ref,
    command: ['sh', '-c', 'node -p process.versions.node && npm --version'],
    workingDir: '/tmp',
    files: [],
    labels: {},
    onLog: (line) => lines.push(line.trim()),
  });
  const [nodeVersion, npmVersion] = lines.filter(Boolean);
  if (task.exitCode !== 0 || nodeVersion?.split('.')[0] !== String(major) || !npmVersion) {
    throw new BerthError('image_build_failed', `The registry's image for ${tag} does not run Node.js ${major} and npm.`, { step: `verify ${tag}`, exitCode: task.exitCode, logTail: lines.join('\n'), reason: 'base-image-unusable', image: ref });
  }
}
