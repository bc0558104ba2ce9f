import { lstatSync, readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import tar from 'tar-fs';
import type { Readable } from 'node:stream';
import { parseDockerignore } from './dockerignore.js';

// The build context is streamed as a tar, never buffered. The engine does not apply
// .dockerignore itself (the docker CLI does), so Berth filters while packing, with Docker's
// rules (dockerignore.ts).

/** Name of the Dockerfile Berth generated, added to the context next to the user's files. */
export const INLINE_DOCKERFILE = '.berth.Dockerfile';

function readDockerignore(contextDir: string): string {
  try {
    return readFileSync(`${contextDir}/.dockerignore`, 'utf8');
  } catch {
    return '';
  }
}

/** "a/b/c" → ["a", "a/b"]: directories that must be walked to reach the Dockerfile. */
function ancestors(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

export interface ContextOptions {
  contextDir: string;
  /** Always sent even when .dockerignore lists it (the engine needs it), like the docker CLI. */
  dockerfilePath?: string;
  /** Generated Dockerfile text, added as INLINE_DOCKERFILE outside .dockerignore's reach. */
  inlineDockerfile?: string;
  /** Dockerignore patterns applied after the context's own, so a `!` there cannot bring them back. */
  exclude?: string[];
}

/** A tar stream of the context: files .dockerignore excludes are never read. */
export function packContext(opts: ContextOptions): Readable {
  const dockerignore = readDockerignore(opts.contextDir);
  const rules = parseDockerignore(opts.exclude?.length ? `${dockerignore}\n${opts.exclude.join('\n')}\n` : dockerignore);
  const dockerfile = opts.dockerfilePath?.replace(/^\.\//, '');
  const keep = new Set(['.dockerignore', ...(dockerfile ? [dockerfile, ...ancestors(dockerfile)] : [])]);
  const skip = (absolute: string): boolean => {
    const rel = relative(opts.contextDir, absolute).split(sep).join('/');
    if (!rel || rel.startsWith('..')) return false;
    if (opts.inlineDockerfile !== undefined && (rel === INLINE_DOCKERFILE || rel === '.dockerignore')) return true; // ours win
    if (keep.has(rel)) return false;
    let isDir = false;
    try {
      isDir = lstatSync(absolute).isDirectory();
    } catch {
      return true; // vanished while packing
    }
    // An excluded directory is still walked when a `!` pattern may re-include something in it.
    return rules.ignores(rel) && !(isDir && rules.mustDescend(rel));
  };
  const inline = opts.inlineDockerfile;
  return tar.pack(opts.contextDir, {
    ignore: skip,
    // Modes travel as they are on disk (the CLI does not apply the local umask either).
    umask: 0,
    // Sockets and FIFOs cannot travel in a build context: skip them instead of failing.
    strict: false,
    finalize: inline === undefined,
    finish: (pack) => {
      if (inline === undefined) return;
      pack.entry({ name: INLINE_DOCKERFILE, mode: 0o644, mtime: new Date(0) }, inline);
      // The engine drops the Dockerfile from the context only when .dockerignore lists it;
      // without this, `COPY . /srv` would publish the generated Dockerfile.
      pack.entry({ name: '.dockerignore', mode: 0o644, mtime: new Date(0) }, `${dockerignore}\n${INLINE_DOCKERFILE}\n`);
      pack.finalize();
    },
  } as tar.PackOptions) as unknown as Readable;
}
