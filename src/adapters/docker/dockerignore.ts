import { posix } from 'node:path';
import dockerignoreModule from '@balena/dockerignore';

// A CommonJS module whose types declare an ES default export: at run time the import is the factory.
const dockerignore = dockerignoreModule as unknown as typeof dockerignoreModule.default;

// .dockerignore with Docker's own rules (@balena/dockerignore ports the engine's matcher):
// patterns are anchored at the context root, `*` stays within one path segment, `**` spans
// any number, a leading `/` and a trailing `/` change nothing, matching is case-sensitive, a
// path is excluded when it or a parent matches, and a later `!` pattern re-includes, even
// inside an excluded directory.

export interface DockerignoreRules {
  /** Whether the path (relative to the context, '/'-separated) stays out of the context. */
  ignores(rel: string): boolean;
  /**
   * Whether an excluded directory must still be walked: Docker does so only when some `!`
   * pattern starts with that directory, and otherwise skips the whole subtree.
   */
  mustDescend(relDir: string): boolean;
}

export function parseDockerignore(text: string): DockerignoreRules {
  const matcher = dockerignore({ ignorecase: false }).add(text.replace(/^\uFEFF/, ''));
  const exceptions = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('!'))
    .map((line) => posix.normalize(line.slice(1).trim()).replace(/^\/+/, ''))
    .filter((p) => p !== '' && p !== '.');
  return {
    ignores: (rel) => rel !== '' && matcher.ignores(rel),
    mustDescend: (relDir) => exceptions.some((p) => `${p}/`.startsWith(`${relDir}/`)),
  };
}

/**
 * Files the build itself reads: Docker sends the Dockerfile and .dockerignore even when
 * .dockerignore lists them (the engine then leaves them out of COPY), so a copy of the source
 * keeps them too. Dockerfile, Dockerfile.<suffix> and <name>.Dockerfile, at any depth.
 */
export function isBuildControlFile(rel: string): boolean {
  const name = posix.basename(rel);
  return name === '.dockerignore' || /^Dockerfile(\..+)?$/.test(name) || /\.Dockerfile$/.test(name);
}
