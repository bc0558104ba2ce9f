// Base images the planners' generated Dockerfiles start FROM. Berth builds them locally when
// missing (adapters/docker/base-images.ts), so planners work on a machine that reaches no registry.
export const BASE_IMAGES = {
  /** Caddy serving /srv on port 80 (busybox for the shell). */
  static: 'berth/static:1',
  /** The host's Node.js (and npm) with busybox as /bin/sh. */
  node: 'berth/node:20',
} as const;

/** The port Berth's static server listens on inside the container. */
export const STATIC_INTERNAL_PORT = 80;
