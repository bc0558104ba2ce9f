// Base images the planners' generated Dockerfiles start FROM. Berth builds them locally when
// missing (adapters/docker/base-images.ts), so planners work on a machine that reaches no registry.
export const BASE_IMAGES = {
  /** Caddy serving /srv on port 80 (busybox for the shell). */
  static: 'berth/static:1',
} as const;

/** The port Berth's static server listens on inside the container. */
export const STATIC_INTERNAL_PORT = 80;

/** Debian bookworm's own nodejs package: the second major Berth can provide besides the host's. */
export const DEBIAN_NODE_MAJOR = 18;

/** Berth's Node.js base image for one major (Debian based, with npm and corepack). */
export const nodeImage = (major: number): string => `berth/node:${major}`;

/** Where a node image's Node.js comes from: the control plane host's binary, or Debian's package. */
export interface NodeRuntime {
  major: number;
  source: 'host' | 'debian';
}

/** The Node.js majors Berth can build images for, newest first; `hostVersion` is e.g. `v20.19.2`. */
export function nodeRuntimes(hostVersion: string): NodeRuntime[] {
  const host = Number(/^v?(\d+)/.exec(hostVersion)?.[1]);
  const runtimes: NodeRuntime[] = Number.isInteger(host) ? [{ major: host, source: 'host' }] : [];
  if (host !== DEBIAN_NODE_MAJOR) runtimes.push({ major: DEBIAN_NODE_MAJOR, source: 'debian' });
  return runtimes.sort((a, b) => b.major - a.major);
}
