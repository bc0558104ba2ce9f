import { mkdirSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { CaddyEdgeProxy, type CaddyEdgeProxyOptions } from '../../src/adapters/proxy/caddy-edge-proxy.js';
import { TEST_ROOT } from './paths.js';
import { freePort } from './ports.js';

// Real Caddy for proxy tests: each test gets its own home and free ports, and stops its Caddy
// processes at the end (they are detached, so nothing else would).

export function proxyHome(): string {
  mkdirSync(TEST_ROOT, { recursive: true });
  return mkdtempSync(`${TEST_ROOT}/proxy-`);
}

export { freePort };

export async function testProxy(opts: Partial<CaddyEdgeProxyOptions> = {}): Promise<CaddyEdgeProxy> {
  return new CaddyEdgeProxy({ home: proxyHome(), httpPort: await freePort(), ...opts });
}

export interface Upstream {
  port: number;
  close(): Promise<void>;
}

/** A node http server on 127.0.0.1 answering `body` (or what it makes of the request). */
export async function startUpstream(body: string | ((req: http.IncomingMessage) => string)): Promise<Upstream> {
  const server = http.createServer((req, res) => res.end(typeof body === 'string' ? body : body(req)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export interface Reply {
  status: number;
  body: string;
  /** Whether the request went over a kept-alive connection. */
  reused: boolean;
}

/** A TCP port on 127.0.0.1, or a unix socket path. */
export type Target = number | string;

/** GET / with a Host header (fetch cannot set Host). */
export function get(target: Target, host: string, agent?: http.Agent): Promise<Reply> {
  return send(target, host, 'GET', agent);
}

/** A request with a Host header; a POST carries a small body (not retried by proxies). */
export function send(target: Target, host: string, method: 'GET' | 'POST', agent?: http.Agent): Promise<Reply> {
  const where = typeof target === 'number' ? { host: '127.0.0.1', port: target } : { socketPath: target };
  return new Promise((resolve, reject) => {
    const req = http.request({ ...where, path: '/', method, headers: { host }, agent, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, reused: req.reusedSocket }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(method === 'POST' ? '{"order":42}' : undefined);
  });
}

export interface LoadResult {
  requests: number;
  failures: string[];
  bodies: Map<string, number>;
  /** Client connections opened: a proxy that closed kept-alive connections would raise it. */
  connections: number;
}

/**
 * `concurrency` loops sending requests back to back over keep-alive sockets until stop(),
 * alternating GET and POST (proxies retry a failed GET on their own, never a POST).
 */
export function startLoad(target: Target, host: string, concurrency = 8): { stop(): Promise<LoadResult> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const result: LoadResult = { requests: 0, failures: [], bodies: new Map(), connections: 0 };
  let running = true;
  const loop = async () => {
    for (let i = 0; running; i++) {
      try {
        const reply = await send(target, host, i % 2 ? 'POST' : 'GET', agent);
        result.requests++;
        if (!reply.reused) result.connections++;
        if (reply.status !== 200) result.failures.push(`status ${reply.status}`);
        else result.bodies.set(reply.body, (result.bodies.get(reply.body) ?? 0) + 1);
      } catch (err) {
        result.requests++;
        result.failures.push((err as NodeJS.ErrnoException).code ?? (err as Error).message);
      }
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      return result;
    },
  };
}
