import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';

// The console's built files (Vite, into dist/console by `npm run build`), served from the same
// origin as the API. Only files present at start are served: the map is the allow-list, so no
// request path reaches the file system. Hashed assets are immutable; the page is revalidated.

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const PAGE_HEADERS = {
  'Cache-Control': 'no-cache',
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/** dist/console beside the built code; from the sources (tests under tsx), the repository's dist/console. */
export function consoleDir(): string | undefined {
  const candidates = [new URL('../../console/', import.meta.url), new URL('../../../dist/console/', import.meta.url)].map((u) => fileURLToPath(u));
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

export function mountConsoleAssets(app: Hono, dir: string | undefined = consoleDir()): void {
  if (!dir) return;
  const files = new Map<string, { body: Buffer; type: string; immutable: boolean }>();
  for (const file of filesUnder(dir)) {
    const urlPath = `/${relative(dir, file).split(sep).join('/')}`;
    files.set(urlPath, { body: readFileSync(file), type: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', immutable: urlPath.startsWith('/assets/') });
  }
  const page = files.get('/index.html')!;
  const html = () => new Response(new Uint8Array(page.body), { headers: { 'Content-Type': page.type, ...PAGE_HEADERS } });
  app.get('/', html);
  app.get('/index.html', html);
  for (const [path, file] of files) {
    if (path === '/index.html') continue;
    app.get(path, () =>
      new Response(new Uint8Array(file.body), {
        headers: { 'Content-Type': file.type, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache' },
      }),
    );
  }
}
