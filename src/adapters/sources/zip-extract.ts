import { createWriteStream } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';

// Extracts a zip without trusting it. File names are decoded here (not by yauzl) so an unsafe
// entry can be named in the error. Rules: no absolute names, no ".." segment, symlinks are
// created last (so no file is ever written through one) and may not escape the root, either
// directly or by passing through another link; the total size is bounded.

export class ZipRejected extends Error {
  constructor(readonly reason: string, readonly entry?: string) {
    super(reason);
  }
}

const MAX_TOTAL_BYTES = 2 * 1024 ** 3;
const MAX_LINK_BYTES = 4096;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

/** Extracts into dest (created); returns the number of files and links written. */
export async function extractZip(file: string, dest: string): Promise<number> {
  let zip: ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch {
    throw new ZipRejected('corrupt');
  }
  await mkdir(dest, { recursive: true });
  const links = new Map<string, string>();
  let written = 0;
  let total = 0;
  // One size budget across entries, so a zip bomb spread over many small entries is stopped
  // too; and a CRC check per entry, which yauzl leaves to its caller.
  const checked = (entry: Entry, name: string) => {
    let crc = 0;
    return new Transform({
      transform(chunk: Buffer, _enc, done) {
        total += chunk.length;
        crc = crc32(chunk, crc);
        done(total > MAX_TOTAL_BYTES ? new ZipRejected('too_large', name) : null, chunk);
      },
      flush(done) {
        done(crc === entry.crc32 ? null : new ZipRejected('corrupt', name));
      },
    });
  };
  try {
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      const { name, isDir } = safeName(entry);
      if (name === '') continue;
      const target = join(dest, name);
      const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
      if (isDir || (mode & S_IFMT) === S_IFDIR) {
        await mkdir(target, { recursive: true }).catch(entryError(name));
      } else if ((mode & S_IFMT) === S_IFLNK) {
        if (entry.uncompressedSize > MAX_LINK_BYTES) throw new ZipRejected('symlink_invalid', name);
        links.set(name, await readAll(await open(zip, entry, name), checked(entry, name)));
      } else {
        await mkdir(dirname(target), { recursive: true }).catch(entryError(name));
        const perm = mode & 0o777 ? (mode & 0o777) | 0o600 : 0o644;
        const stream = await open(zip, entry, name);
        await pipeline(stream, checked(entry, name), createWriteStream(target, { mode: perm })).catch(entryError(name));
        written++;
      }
    }
    for (const [name, linkTarget] of links) {
      checkLink(name, linkTarget, links);
      await symlink(linkTarget, join(dest, name)).catch(entryError(name));
      written++;
    }
  } finally {
    zip.close();
  }
  return written;
}

function safeName(entry: Entry): { name: string; isDir: boolean } {
  // decodeStrings: false leaves fileName as the raw bytes.
  const raw = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as unknown as Buffer, entry.extraFields, false);
  if (raw.includes('\0')) throw new ZipRejected('invalid_name', raw.replace(/\0/g, ''));
  if (raw.startsWith('/') || /^[a-zA-Z]:/.test(raw)) throw new ZipRejected('absolute_path', raw);
  if (raw.split('/').includes('..')) throw new ZipRejected('path_traversal', raw);
  const name = posix.normalize(raw).replace(/\/+$/, '');
  return { name: name === '.' ? '' : name, isDir: raw.endsWith('/') };
}

/**
 * Walks the link target from the link's folder one segment at a time: it may not climb above
 * the root, and may not continue through another link (whose own target could change where
 * a following ".." lands).
 */
function checkLink(name: string, target: string, links: Map<string, string>): void {
  if (target === '' || target.startsWith('/') || /^[a-zA-Z]:/.test(target) || target.includes('\0')) throw new ZipRejected('symlink_escape', name);
  const stack = name.split('/').slice(0, -1);
  if (stack.some((_, i) => links.has(stack.slice(0, i + 1).join('/')))) throw new ZipRejected('symlink_escape', name);
  const segments = target.split('/');
  segments.forEach((seg, i) => {
    if (seg === '' || seg === '.') return;
    if (seg === '..') {
      if (stack.length === 0) throw new ZipRejected('symlink_escape', name);
      stack.pop();
      return;
    }
    stack.push(seg);
    if (i < segments.length - 1 && links.has(stack.join('/'))) throw new ZipRejected('symlink_escape', name);
  });
}

/**
 * Two entries claiming one path (a file where a folder is, a file under a link) make the
 * archive invalid; other system errors (disk full) are not the archive's fault and pass
 * through; anything else comes from decompression: the archive is corrupt.
 */
function entryError(name: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof ZipRejected) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTDIR') throw new ZipRejected('conflicting_entry', name);
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) throw err;
    throw new ZipRejected('corrupt', name);
  };
}

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: Entry) => { cleanup(); resolve(e); };
    const onEnd = () => { cleanup(); resolve(undefined); };
    const onError = () => { cleanup(); reject(new ZipRejected('corrupt')); };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

async function open(zip: ZipFile, entry: Entry, name: string) {
  try {
    return await zip.openReadStreamPromise(entry);
  } catch {
    throw new ZipRejected('corrupt', name);
  }
}

async function readAll(stream: Readable, check: Transform): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  await pipeline(stream, check, sink).catch((err: unknown) => {
    throw err instanceof ZipRejected ? err : new ZipRejected('corrupt');
  });
  return Buffer.concat(chunks).toString('utf8');
}
