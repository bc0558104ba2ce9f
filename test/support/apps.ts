import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TEST_ROOT } from './paths.js';

// App fixtures written per test, so each test states exactly what its app does.

export function appDir(files: Record<string, string>): string {
  mkdirSync(TEST_ROOT, { recursive: true });
  const dir = mkdtempSync(join(TEST_ROOT, 'app-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** A Node.js HTTP server: `routes` maps a path to [status, body, headers?]; others answer 404. */
export function nodeServer(routes: Record<string, [number, string, Record<string, string>?]>, opts: { port?: string; exitCode?: number } = {}): string {
  if (opts.exitCode !== undefined) return `console.error('boom: failing on purpose'); process.exit(${opts.exitCode});\n`;
  return `const http = require('http');
const routes = ${JSON.stringify(routes)};
const port = Number(${opts.port ?? 'process.env.PORT || 3000'});
http.createServer((req, res) => {
  const r = routes[req.url.split('?')[0]] || [404, 'not found'];
  res.writeHead(r[0], Object.assign({ 'content-type': 'text/plain' }, r[2] || {}));
  res.end(r[1]);
}).listen(port, '0.0.0.0', () => console.log('listening on ' + port));
process.on('SIGTERM', () => process.exit(0));
`;
}

export function nodeApp(routes: Record<string, [number, string, Record<string, string>?]>, opts: { port?: string; exitCode?: number } = {}): string {
  return appDir({
    'package.json': JSON.stringify({ name: 'fixture', version: '1.0.0', scripts: { start: 'node server.js' } }),
    'server.js': nodeServer(routes, opts),
  });
}

/**
 * A compose stack's two built services: `web` (node, port 3000) answers `<label>:` followed by
 * what it fetched from API_URL; `api` (static) answers `api-ok`. The caller writes compose.yaml.
 */
export function webApiServices(label: string): Record<string, string> {
  return {
    'web/Dockerfile': 'FROM berth/node:20\nWORKDIR /app\nCOPY server.js .\nCMD ["node", "server.js"]\n',
    'web/server.js': `const http = require('http');
http.createServer((req, res) => {
  http.get(process.env.API_URL, (r) => { let b = ''; r.on('data', (d) => (b += d)); r.on('end', () => { res.end('${label}:' + b.trim()); }); })
    .on('error', (e) => { res.statusCode = 502; res.end(String(e.code)); });
}).listen(3000);
`,
    'api/Dockerfile': 'FROM berth/static:1\nCOPY index.html /srv/index.html\n',
    'api/index.html': 'api-ok',
  };
}
