import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-fs';
import { BerthError } from '../../core/errors/berth-error.js';
import { newId } from '../../core/ids/ids.js';
import type { SourceProfile } from '../../core/model/profiles.js';
import type { MaterializedSource } from '../../ports/sources.js';
import type { UploadMeta, UploadReceipt, UploadStore } from '../../ports/uploads.js';
import { normalizeBaseDirectory, materialized, unreadable, withWorkDir } from './work-dir.js';
import { extractedDir, extractZipSource } from './zip.js';

// Uploaded sources live in <workRoot>/uploads as <id>.<tar|zip> next to <id>.json (what the
// archive holds, and when it expires). They are kept for their time to live, so a retry or a
// plan followed by `up` can read them again, and swept by age on every upload and every read.

export const DEFAULT_UPLOAD_MAX_BYTES = 512 * 1024 * 1024;
export const DEFAULT_UPLOAD_TTL_MS = 60 * 60 * 1000;

const ID = /^upl_[0-9a-z]{26}$/;

interface StoredUpload extends UploadReceipt {
  meta: UploadMeta;
}

export const uploadsDir = (workRoot: string) => join(workRoot, 'uploads');

export interface UploadStoreOptions {
  workRoot: string;
  maxBytes?: number;
  ttlMs?: number;
}

export function createUploadStore(opts: UploadStoreOptions): UploadStore {
  const dir = uploadsDir(opts.workRoot);
  const maxBytes = opts.maxBytes ?? DEFAULT_UPLOAD_MAX_BYTES;
  const ttlMs = opts.ttlMs ?? DEFAULT_UPLOAD_TTL_MS;
  const tooLarge = (receivedBytes: number) =>
    new BerthError('upload_too_large', `The upload is larger than the ${maxBytes} bytes this control plane accepts.`, { limitBytes: maxBytes, receivedBytes });

  async function sweep(now: Date): Promise<number> {
    const names = await readdir(dir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      const info = await stat(join(dir, name)).catch(() => undefined);
      if (info && now.getTime() - info.mtimeMs > ttlMs) {
        await rm(join(dir, name), { force: true });
        removed++;
      }
    }
    return removed;
  }

  return {
    sweep,
    async receive(body, req, now) {
      await sweep(now);
      if (req.declaredBytes !== undefined && req.declaredBytes > maxBytes) throw tooLarge(req.declaredBytes);
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const id = newId('upload', now.getTime());
      const part = join(dir, `${id}.part`);
      const hash = createHash('sha256');
      let size = 0;
      const count = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > maxBytes) return done(tooLarge(size));
          hash.update(chunk);
          done(null, chunk);
        },
      });
      try {
        await pipeline(body, count, createWriteStream(part, { mode: 0o600 }));
      } catch (err) {
        await rm(part, { force: true });
        if (err instanceof BerthError) throw err;
        throw unreadable(`upload ${id}`, 'upload_interrupted');
      }
      const actual = hash.digest('hex');
      if (actual !== req.sha256.toLowerCase()) {
        await rm(part, { force: true });
        throw new BerthError('upload_checksum_mismatch', 'The uploaded bytes do not match the sha256 sent with them.', { expectedSha256: req.sha256, actualSha256: actual, receivedBytes: size });
      }
      const stored: StoredUpload = { id, sizeBytes: size, sha256: actual, expiresAt: new Date(now.getTime() + ttlMs).toISOString(), meta: req.meta };
      await writeFile(join(dir, `${id}.json`), JSON.stringify(stored), { mode: 0o600 });
      await rename(part, join(dir, `${id}.${req.meta.format}`));
      return { id, sizeBytes: size, sha256: actual, expiresAt: stored.expiresAt };
    },
  };
}

/** The source reader of kind `upload`: extracts the archive and rebuilds the source it was packed from. */
export async function materializeUpload(source: SourceProfile, workRoot: string): Promise<MaterializedSource> {
  const id = source.location;
  const stored = await readStored(workRoot, id);
  const archive = join(uploadsDir(workRoot), `${id}.${stored.meta.format}`);
  const base = normalizeBaseDirectory(source, id);
  return withWorkDir(workRoot, 'upload', async (work) => {
    const root = join(work, 'app');
    const files = stored.meta.format === 'zip' ? await extractZipSource(archive, root, id) : await extractTar(archive, root, id);
    const dir = await extractedDir(root, base, id, files);
    const composeFile = stored.meta.composeFile;
    if (composeFile !== undefined && !(await stat(join(dir, composeFile)).then((s) => s.isFile(), () => false))) {
      throw unreadable(id, 'compose_file_missing', { lookedFor: [composeFile] });
    }
    return materialized(work, { kind: 'upload', location: id, ...(base ? { baseDirectory: base } : {}) }, dir, composeFile ? { composeFile } : {});
  });
}

async function readStored(workRoot: string, id: string): Promise<StoredUpload> {
  const missing = (reason: string) => new BerthError('upload_not_found', `No upload ${ID.test(id) ? id : ''} is held by this control plane (${reason}).`, { id, reason });
  if (!ID.test(id)) throw missing('not_an_upload_id');
  let stored: StoredUpload;
  try {
    stored = JSON.parse(await readFile(join(uploadsDir(workRoot), `${id}.json`), 'utf8')) as StoredUpload;
  } catch {
    throw missing('missing');
  }
  if (Date.parse(stored.expiresAt) <= Date.now()) throw missing('expired');
  return stored;
}

/**
 * Extracts a tar packed by the client. tar-fs keeps every entry inside root and refuses
 * symlinks that point out of it; only files, folders and symlinks are taken.
 */
async function extractTar(archive: string, root: string, location: string): Promise<number> {
  await mkdir(root, { recursive: true });
  let written = 0;
  const sink = extract(root, {
    ignore: (_name, header) => {
      const keep = header?.type === 'file' || header?.type === 'directory' || header?.type === 'symlink';
      if (keep && header?.type !== 'directory') written++;
      return !keep;
    },
    // Owners on the client mean nothing here; modes travel, made readable by their owner.
    chown: false,
    umask: 0o022,
  } as Parameters<typeof extract>[1]);
  try {
    await pipeline(createReadStream(archive), sink);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code) && code !== 'ENOENT') throw err; // disk full and the like: not the archive's fault
    throw new BerthError('source_archive_invalid', `The uploaded archive ${location} is corrupt or unsafe.`, { location, reason: 'corrupt' });
  }
  return written;
}
