import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-fs';
import type { SourceProfile } from '../../core/model/profiles.js';
import type { PackedSource, UploadMeta } from '../../ports/uploads.js';
import { findComposeFile } from './compose.js';
import { materializeGit } from './git.js';
import { isRemoteGitUrl } from '../../core/redaction/source-location.js';
import { CopyError, walkTree } from './copy-tree.js';
import { requireBaseDirectory, requireDirectory } from './folder.js';
import { fsReason, normalizeBaseDirectory, unreadable } from './work-dir.js';

// The client side of an upload: a folder (or a compose file's folder) becomes a tar holding
// exactly what the control plane's own copy would hold (walkTree applies the same .gitignore and
// .dockerignore rules); a local git repository is read at its ref and packed whole; a zip is
// sent as it is. The archive is spooled to a temporary file while
// it is hashed, so the sha256 and the size are known before the first byte goes out.

export async function packSource(source: SourceProfile, tmpRoot: string = tmpdir()): Promise<PackedSource | undefined> {
  if (source.kind === 'folder') {
    const root = resolve(source.location);
    await requireDirectory(root, root);
    const base = normalizeBaseDirectory(source, root);
    if (base !== '') await requireBaseDirectory(root, base);
    // The base directory is applied here; the upload holds the app folder itself.
    return packTree(root, base, root, { kind: 'folder', format: 'tar' }, tmpRoot, (id) => ({ kind: 'upload', location: id }));
  }
  if (source.kind === 'compose') {
    const location = resolve(source.location);
    const file = await findComposeFile(location);
    const composeFile = basename(file);
    // .dockerignore files often list the compose file itself; the planner still needs it.
    return packTree(dirname(file), '', location, { kind: 'compose', format: 'tar', composeFile }, tmpRoot, (id) => ({ kind: 'upload', location: id }), [composeFile]);
  }
  if (source.kind === 'git' && !isRemoteGitUrl(source.location)) {
    // A repository on this machine: the commit the ref names, read here exactly as the control
    // plane would read it (git archive, base directory applied), then packed whole.
    const checkout = await materializeGit(source, tmpRoot);
    try {
      return await spoolTar(checkout.dir!, () => false, checkout.summary.location, { kind: 'folder', format: 'tar' }, tmpRoot, (id) => ({ kind: 'upload', location: id }));
    } finally {
      await checkout.dispose();
    }
  }
  if (source.kind === 'zip') {
    const file = resolve(source.location);
    const isFile = await stat(file).then((s) => s.isFile(), (err: unknown) => {
      throw unreadable(file, fsReason(err));
    });
    if (!isFile) throw unreadable(file, 'not_a_file');
    const { sha256, sizeBytes } = await hashFile(file);
    const baseDirectory = source.baseDirectory;
    return {
      file, sha256, sizeBytes, meta: { kind: 'zip', format: 'zip' },
      sourceFor: (id) => ({ kind: 'upload', location: id, ...(baseDirectory ? { baseDirectory } : {}) }),
      dispose: async () => undefined,
    };
  }
  return undefined;
}

async function packTree(root: string, base: string, location: string, meta: UploadMeta, tmpRoot: string, sourceFor: PackedSource['sourceFor'], always: string[] = []): Promise<PackedSource> {
  const kept = new Set<string>(always);
  let files = 0;
  try {
    await walkTree(root, base, async ({ rel, type }) => {
      // Parents too: a folder .dockerignore excludes is walked for a `!` exception inside it.
      for (let i = rel.indexOf('/'); i > 0; i = rel.indexOf('/', i + 1)) kept.add(rel.slice(0, i));
      kept.add(rel);
      if (type !== 'dir') files++;
    });
  } catch (err) {
    if (err instanceof CopyError) throw unreadable(location, err.reason, { path: err.path });
    throw err;
  }
  if (files === 0) throw unreadable(location, 'empty');
  const from = base === '' ? root : join(root, base);
  return spoolTar(from, (rel) => !kept.has(rel), location, meta, tmpRoot, sourceFor);
}

/** Packs `from` (minus what skip names) into a temporary tar, hashing it on the way. */
async function spoolTar(from: string, skip: (rel: string) => boolean, location: string, meta: UploadMeta, tmpRoot: string, sourceFor: PackedSource['sourceFor']): Promise<PackedSource> {
  const spool = await mkdtemp(join(tmpRoot, 'berth-upload-'));
  const file = join(spool, 'source.tar');
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const tap = new PassThrough();
  tap.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    sizeBytes += chunk.length;
  });
  try {
    const pack = tar.pack(from, {
      ignore: (absolute: string) => {
        const rel = relative(from, absolute).split(sep).join('/');
        return rel !== '' && skip(rel);
      },
      // Modes travel as they are on disk; sockets and FIFOs are not source and are skipped.
      umask: 0,
      strict: false,
    } as tar.PackOptions);
    await pipeline(pack, tap, createWriteStream(file, { mode: 0o600 }));
  } catch (err) {
    await rm(spool, { recursive: true, force: true });
    throw unreadable(location, fsReason(err));
  }
  return { file, sha256: hash.digest('hex'), sizeBytes, meta, sourceFor, dispose: () => rm(spool, { recursive: true, force: true }) };
}

async function hashFile(file: string): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), sizeBytes };
}
