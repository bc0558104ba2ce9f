// Base images the planners' generated Dockerfiles start FROM. Berth builds them locally when
// missing (adapters/docker/base-images.ts), so planners work on a machine that reaches no registry.
export const BASE_IMAGES = {
  /** Caddy serving /srv on port 80 (busybox for the shell). */
  static: 'berth/static:1',
} as const;

/** The port Berth's static server listens on inside the container. */
export const STATIC_INTERNAL_PORT = 80;

/** berth/static's Caddy config: files of /srv, 404 for a path that matches none. */
export const STATIC_CONFIG = '/etc/berth/static.json';
/** berth/static's Caddy config for a single-page app: a path that matches no file gets /index.html. */
export const STATIC_SPA_CONFIG = '/etc/berth/static-spa.json';

/** The CMD that starts berth/static's server, as a plain file server or for a single-page app. */
export const staticCommand = (spa: boolean): string[] => ['/usr/local/bin/caddy', 'run', '--config', spa ? STATIC_SPA_CONFIG : STATIC_CONFIG];

/** Debian bookworm's own nodejs package: the second major Berth can provide besides the host's. */
export const DEBIAN_NODE_MAJOR = 18;

/** Berth's Node.js base image for one major (Debian based, with npm and corepack). */
export const nodeImage = (major: number): string => `berth/node:${major}`;

// Every berth/node image has corepack (the host's, checked to run on the image's node; Debian's
// nodejs package ships none), so install commands may call it.

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

/** One base image Berth can make: the static server, or the node image of one major. */
export type BaseImageName = 'static' | `node:${number}`;

/** The image reference of a base image name (`node:18` → `berth/node:18`). */
export function baseImageRef(name: BaseImageName): string {
  if (name === 'static') return BASE_IMAGES.static;
  return nodeImage(Number(name.slice('node:'.length)));
}

/** Every base image Berth makes on a host running `hostVersion`: static, then each node major. */
export const baseImageNames = (hostVersion: string): BaseImageName[] => [
  'static',
  ...nodeRuntimes(hostVersion).map((r): BaseImageName => `node:${r.major}`),
];

/**
 * The base images a Dockerfile builds FROM (`FROM berth/node:18 AS deps`, `FROM berth/static:1`):
 * only these are made before its build, so a static site never waits for a node image.
 */
export function baseImagesNamedIn(dockerfileText: string): BaseImageName[] {
  const names = new Set<BaseImageName>();
  for (const m of dockerfileText.matchAll(/^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)/gim)) {
    const ref = m[1] ?? '';
    if (ref === BASE_IMAGES.static) names.add('static');
    const node = /^berth\/node:(\d+)$/.exec(ref);
    if (node) names.add(`node:${Number(node[1])}`);
  }
  return [...names];
}
