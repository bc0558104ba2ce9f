import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RouteSpec } from '../../ports/edge-proxy.js';

// The desired switch routes, so a restarted switch serves what it served before (Caddy's own
// autosave is off: this file is the one place a restart loads routes from).

interface RouteFileContent {
  version: 1;
  routes: RouteSpec[];
}

/** The routes in a routes file's text; throws when it cannot be understood. */
export function parseRoutesFile(text: string): RouteSpec[] {
  const content = JSON.parse(text) as RouteFileContent;
  if (content.version !== 1 || !Array.isArray(content.routes)) throw new Error('unknown routes file format');
  return content.routes;
}

/** A routes file's text (only the RouteSpec fields are kept). */
export function routesFileText(routes: RouteSpec[]): string {
  const content: RouteFileContent = { version: 1, routes: routes.map(({ id, hosts, upstream }) => ({ id, hosts, upstream })) };
  return `${JSON.stringify(content, null, 2)}\n`;
}

/** The routes with `route` replacing (or added after) the one of its id. */
export function withRoute(routes: RouteSpec[], route: RouteSpec): { routes: RouteSpec[]; previous?: RouteSpec } {
  const i = routes.findIndex((r) => r.id === route.id);
  if (i < 0) return { routes: [...routes, route] };
  return { routes: routes.map((r, j) => (j === i ? route : r)), previous: routes[i] };
}

export function withoutRoute(routes: RouteSpec[], id: string): { routes: RouteSpec[]; previous?: RouteSpec } {
  const previous = routes.find((r) => r.id === id);
  return { routes: routes.filter((r) => r.id !== id), ...(previous ? { previous } : {}) };
}

export class RouteFile {
  constructor(readonly file: string) {}

  /** The desired routes; throws when the file exists but cannot be understood. */
  read(): RouteSpec[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return parseRoutesFile(text);
  }

  /** Replaces (or adds) one route; returns the previous one so a failed apply can put it back. */
  upsert(route: RouteSpec): RouteSpec | undefined {
    const { routes, previous } = withRoute(this.read(), route);
    this.write(routes);
    return previous;
  }

  remove(id: string): RouteSpec | undefined {
    const { routes, previous } = withoutRoute(this.read(), id);
    if (previous) this.write(routes);
    return previous;
  }

  /** Atomic (write + rename): a crash never leaves a half-written file for the next start. */
  private write(routes: RouteSpec[]): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, routesFileText(routes), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
