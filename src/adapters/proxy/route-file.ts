import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RouteSpec } from '../../ports/edge-proxy.js';

// The desired switch routes, so a restarted switch serves what it served before (Caddy's own
// autosave is off: this file is the one place a restart loads routes from).

interface RouteFileContent {
  version: 1;
  routes: RouteSpec[];
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
    const content = JSON.parse(text) as RouteFileContent;
    if (content.version !== 1 || !Array.isArray(content.routes)) throw new Error('unknown routes file format');
    return content.routes;
  }

  /** Replaces (or adds) one route; returns the previous one so a failed apply can put it back. */
  upsert(route: RouteSpec): RouteSpec | undefined {
    const routes = this.read();
    const i = routes.findIndex((r) => r.id === route.id);
    const previous = i >= 0 ? routes[i] : undefined;
    if (i >= 0) routes[i] = route;
    else routes.push(route);
    this.write(routes);
    return previous;
  }

  remove(id: string): RouteSpec | undefined {
    const routes = this.read();
    const previous = routes.find((r) => r.id === id);
    if (previous) this.write(routes.filter((r) => r.id !== id));
    return previous;
  }

  /** Atomic (write + rename): a crash never leaves a half-written file for the next start. */
  private write(routes: RouteSpec[]): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const content: RouteFileContent = { version: 1, routes: routes.map(({ id, hosts, upstream }) => ({ id, hosts, upstream })) };
    writeFileSync(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
