import { mkdirSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { CaddyEdgeProxy, type CaddyEdgeProxyOptions } from '../../src/adapters/proxy/caddy-edge-proxy.js';
import { TEST_ROOT } from './paths.js';

// Real Caddy for proxy tests: each test gets its own home and free ports, and stops its Caddy
// processes at the end (they are detached, so nothing else would).

export function proxyHome(): string {
  mkdirSync(TEST_ROOT, { recursive: true });
  return mkdtempSync(`${TEST_ROOT}/proxy-`);
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

export async function testProxy(opts: Partial<CaddyEdgeProxyOptions> = {}): Promise<CaddyEdgeProxy> {
  return new CaddyEdgeProxy({ home: proxyHome(), httpPort: await freePort(), switchPort: await freePort(), ...opts });
}

export interface Upstream {
  port: number;
  close(): Promise<void>;
}

/** A node http server on 127.0.0.1 answering `body` to everything. */
export async function startUpstream(body: string): Promise<Upstream> {
  const server = http.createServer((_req, res) => res.end(body));
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

/** GET http://127.0.0.1:<port>/ with a Host header (fetch cannot set Host). */
export function get(port: number, host: string, agent?: http.Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', headers: { host }, agent, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, reused: req.reusedSocket }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

export interface LoadResult {
  requests: number;
  failures: string[];
  bodies: Map<string, number>;
  /** Client connections opened: a proxy that closed kept-alive connections would raise it. */
  connections: number;
}

/** `concurrency` loops sending requests back to back over keep-alive sockets until stop(). */
export function startLoad(port: number, host: string, concurrency = 8): { stop(): Promise<LoadResult> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const result: LoadResult = { requests: 0, failures: [], bodies: new Map(), connections: 0 };
  let running = true;
  const loop = async () => {
    while (running) {
      try {
        const reply = await get(port, host, agent);
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
