import { Agent, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface LoadReport {
  ok: number;
  failed: number;
  failures: string[];
  bodies: Map<string, number>;
}

/**
 * Constant HTTP/1.1 keep-alive load against a generated URL through the edge proxy, the way
 * real clients hold pooled connections. Any connection error or 5xx is a failed request.
 * With `tls`, the load is HTTPS to `host` (its server name) validated against `tls.ca` only.
 */
export function startLoad(port: number, host: string, concurrency = 4, address = '127.0.0.1', tls?: { ca: string }): { stop(): Promise<LoadReport> } {
  const agent = tls ? new HttpsAgent({ keepAlive: true, maxSockets: concurrency, ca: tls.ca, servername: host }) : new Agent({ keepAlive: true, maxSockets: concurrency });
  const send = tls ? httpsRequest : request;
  const report: LoadReport = { ok: 0, failed: 0, failures: [], bodies: new Map() };
  let running = true;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = send({ host: address, port, path: '/', headers: { host }, agent }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 500) {
            report.failed++;
            report.failures.push(`status ${res.statusCode}`);
          } else {
            report.ok++;
            report.bodies.set(body, (report.bodies.get(body) ?? 0) + 1);
          }
          resolve();
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        report.failed++;
        report.failures.push(err.code ?? err.message);
        resolve();
      });
      req.end();
    });
  const workers = Array.from({ length: concurrency }, async () => {
    while (running) await one();
  });
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      agent.destroy();
      return report;
    },
  };
}
