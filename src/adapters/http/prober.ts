import { request, type Agent } from 'node:http';
import type { Duplex } from 'node:stream';
import { BerthError } from '../../core/errors/berth-error.js';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { HttpProber, HttpsProber, ProbeAnswer, TlsProbeAnswer } from '../../ports/http-prober.js';
import { ForwardedSocketAgent } from '../docker/ssh-agent.js';

/** GET without following redirects and without keep-alive (each probe is its own connection). */
export const httpProber: HttpProber & HttpsProber = {
  get: (url, opts) => probe(false, url, opts),
  getTls: (p) =>
    new Promise<TlsProbeAnswer>((resolve) => {
      const req = httpsRequest(
        { host: p.address, port: p.port, servername: p.servername, path: p.path, method: 'GET', agent: false, timeout: p.timeoutMs, headers: { host: p.servername }, ...(p.ca ? { ca: p.ca } : {}) },
        (res) => {
          const peer = (res.socket as TLSSocket).getPeerCertificate();
          res.resume();
          res.on('end', () => resolve({ kind: 'response', status: res.statusCode ?? 0, certificateId: `crt_${String(peer.serialNumber ?? '').toLowerCase()}`, notAfter: new Date(peer.valid_to).toISOString(), ...(res.headers.location ? { location: res.headers.location } : {}) }));
          res.on('error', (err: NodeJS.ErrnoException) => resolve({ kind: 'error', code: err.code ?? 'response-error' }));
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (err: NodeJS.ErrnoException) => resolve({ kind: 'error', code: err.code ?? err.name }));
      req.end();
    }),
};

/**
 * The same probe from a server's side: each connection is a stream the server opens to the
 * address (an SSH direct-tcpip channel), so a container's bridge address is reached as the
 * server itself reaches it. A transport that cannot reach the server at all (ssh_*) is thrown,
 * not answered: it is the target that is down, not the container.
 */
export function proberThrough(open: (host: string, port: number) => Promise<Duplex>): HttpProber {
  return {
    async get(url, opts) {
      let transport: BerthError | undefined;
      const agent = new ForwardedSocketAgent(({ host, port }) =>
        open(host, port).catch((err: unknown) => {
          if (err instanceof BerthError && err.code.startsWith('ssh_')) transport = err;
          // The server refused the channel: to the probe, the address refused the connection.
          throw Object.assign(new Error('channel refused'), { code: 'ECONNREFUSED' });
        }),
      );
      try {
        const answer = await probe(agent, url, opts);
        if (transport) throw transport;
        return answer;
      } finally {
        agent.destroy();
      }
    },
  };
}

function probe(agent: Agent | false, url: string, opts: { timeoutMs: number; host?: string }): Promise<ProbeAnswer> {
  return new Promise<ProbeAnswer>((resolve) => {
    const req = request(url, { method: 'GET', agent, timeout: opts.timeoutMs, headers: opts.host ? { host: opts.host } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ kind: 'response', status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}) }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ kind: 'error', code: err.code ?? 'response-error' }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ kind: 'error', code: err.code ?? err.name }));
    req.end();
  });
}
