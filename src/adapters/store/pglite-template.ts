import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

// A freshly initialised, migrated and cleanly shut down PGlite data directory, as a gzipped tar
// made when the package is built (scripts/pglite-template.mjs). A first start unpacks it to disk
// instead of running initdb, then opens it like any existing cluster. Unpacked here rather than by
// PGlite (`loadDataDir`): PGlite writes every file through its WASM heap, which never shrinks, and
// that cost about 100 MB of RSS for the life of the process.

export const PGLITE_TEMPLATE = fileURLToPath(new URL('./pglite-template.tar.gz', import.meta.url));

/**
 * Unpacks the template into `dataDir` when it holds no cluster yet; false when a cluster exists or
 * no template was built (PGlite then runs initdb). The caller holds the store's lock. The files
 * land in a sibling directory first, so a crash mid-way never leaves a half cluster behind.
 */
export async function unpackTemplate(dataDir: string, template = PGLITE_TEMPLATE): Promise<boolean> {
  if (existsSync(join(dataDir, 'PG_VERSION')) || !existsSync(template)) return false;
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) return false;
  const staging = `${dataDir}.unpacking`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(dataDir), { recursive: true, mode: 0o700 });
  // Written on a worker thread with synchronous calls: creating the cluster's thousand files took
  // most of a first start (1.5-2.5 s through tar-fs's stream per file, about 0.5 s this way), and
  // the main thread meanwhile loads the control plane's code.
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(new URL('./pglite-unpack-worker.js', import.meta.url), { workerData: { template, dest: staging } });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`template unpack ended with ${code}`))));
  });
  if (existsSync(dataDir)) rmdirSync(dataDir);
  renameSync(staging, dataDir);
  return true;
}

/**
 * Writes the directories and regular files of a ustar archive under `dest`, owner-only, from its
 * bytes as they are inflated (a chunk at a time: the 40 MB cluster is never held in memory). A
 * run of zeros is left as a hole (the 16 MB WAL segment is nearly all zeros): reads see the same
 * bytes, and nothing is written that the cluster does not hold.
 */
export class TarToDisk {
  private header = Buffer.alloc(0);
  private file: { fd: number; size: number; at: number; padding: number } | undefined;
  private skip = 0;
  private ended = false;

  constructor(private readonly dest: string) {
    mkdirSync(dest, { recursive: true, mode: 0o700 });
  }

  write(chunk: Buffer): void {
    while (chunk.length > 0 && !this.ended) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length);
        this.skip -= n;
        chunk = chunk.subarray(n);
      } else if (this.file) {
        const f = this.file;
        const n = Math.min(f.size - f.at, chunk.length);
        const part = chunk.subarray(0, n);
        if (!part.equals(zeros(n))) writeSync(f.fd, part, 0, n, f.at);
        f.at += n;
        chunk = chunk.subarray(n);
        if (f.at === f.size) this.closeFile();
      } else {
        const n = Math.min(512 - this.header.length, chunk.length);
        this.header = Buffer.concat([this.header, chunk.subarray(0, n)]);
        chunk = chunk.subarray(n);
        if (this.header.length === 512) this.entry(this.header);
      }
    }
  }

  /** Throws when the archive ended inside a file (a truncated template). */
  end(): void {
    if (this.file) throw new Error('template archive truncated');
  }

  private entry(header: Buffer): void {
    this.header = Buffer.alloc(0);
    if (header[0] === 0) {
      this.ended = true; // the archive's end blocks
      return;
    }
    const field = (from: number, to: number) => {
      const raw = header.subarray(from, to);
      const end = raw.indexOf(0);
      return raw.subarray(0, end < 0 ? raw.length : end).toString('utf8');
    };
    const prefix = field(345, 500);
    const path = join(this.dest, (prefix ? `${prefix}/` : '') + field(0, 100));
    if (path !== this.dest && !path.startsWith(this.dest + '/')) throw new Error('template entry outside its directory');
    const size = parseInt(field(124, 136).trim() || '0', 8);
    const type = header[156];
    const blocks = Math.ceil(size / 512) * 512;
    if (type === DIRECTORY) mkdirSync(path, { recursive: true, mode: 0o700 });
    else if (type === FILE || type === 0) {
      this.file = { fd: openSync(path, 'w', 0o600), size, at: 0, padding: blocks - size };
      if (size === 0) this.closeFile();
    } else this.skip = blocks; // other entry kinds (none in the template): their data is passed over
  }

  private closeFile(): void {
    const f = this.file!;
    this.file = undefined;
    this.skip = f.padding; // to the next 512-byte block
    try {
      ftruncateSync(f.fd, f.size); // the holes at its end
    } finally {
      closeSync(f.fd);
    }
  }
}

const FILE = '0'.charCodeAt(0);
const DIRECTORY = '5'.charCodeAt(0);

const ZEROS = Buffer.alloc(64 * 1024);
const zeros = (n: number) => (n <= ZEROS.length ? ZEROS.subarray(0, n) : Buffer.alloc(n));
