import type { RunRequest } from '../../ports/container-engine.js';

// Compose secrets as files: written into the created container before it starts (one tar sent
// through the Engine API, so it works on a remote engine too, and nothing lands in an image),
// then made read-only there with ReadonlyPaths. The values exist only in this call.

/** Docker's own read-only paths, kept when Berth adds its secret files (setting the list replaces them). */
export const DOCKER_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** Compose's default mode for a secret file: readable by every user, writable by none. */
const DEFAULT_MODE = 0o444;

type SecretFile = NonNullable<RunRequest['secretFiles']>[number];

export function readonlyPaths(files: readonly SecretFile[]): string[] {
  return [...DOCKER_READONLY_PATHS, ...new Set(files.map((f) => f.target))];
}

/** A tar of the files at their absolute targets (extracted at "/"; the engine creates parent folders). */
export function secretFilesTar(files: readonly SecretFile[]): Buffer {
  const blocks: Buffer[] = [];
  for (const f of files) {
    const body = Buffer.from(f.content, 'utf8');
    blocks.push(header(f.target.replace(/^\/+/, ''), body.length, f.mode ?? DEFAULT_MODE, f.uid ?? 0, f.gid ?? 0), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024)); // two zero blocks end the archive
  return Buffer.concat(blocks);
}

/** A ustar header of one regular file; long paths use the 155-byte prefix field (task.ts uses it too). */
export function header(path: string, size: number, mode: number, uid: number, gid: number): Buffer {
  const h = Buffer.alloc(512);
  let name = path;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = path.lastIndexOf('/', path.length - 1);
    prefix = path.slice(0, cut);
    name = path.slice(cut + 1);
    if (cut < 0 || Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155) throw new RangeError('secret target path too long for a tar header');
  }
  const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0') + '\0';
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100, 8, 'ascii');
  h.write(octal(uid, 8), 108, 8, 'ascii');
  h.write(octal(gid, 8), 116, 8, 'ascii');
  h.write(octal(size, 12), 124, 12, 'ascii');
  h.write(octal(Math.floor(Date.now() / 1000), 12), 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii'); // checksum placeholder: spaces
  h.write('0', 156, 1, 'ascii'); // regular file
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(octal(sum, 7) + ' ', 148, 8, 'ascii');
  return h;
}
