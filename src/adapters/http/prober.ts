import { request } from 'node:http';
import type { HttpProber, ProbeAnswer } from '../../ports/http-prober.js';

/** GET without following redirects and without keep-alive (each probe is its own connection). */
export const httpProber: HttpProber = {
  get(url, opts) {
    return new Promise<ProbeAnswer>((resolve) => {
      const req = request(url, { method: 'GET', agent: false, timeout: opts.timeoutMs, headers: opts.host ? { host: opts.host } : {} }, (res) => {
        res.resume();
        res.on('end', () => resolve({ kind: 'response', status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}) }));
        res.on('error', (err: NodeJS.ErrnoException) => resolve({ kind: 'error', code: err.code ?? 'response-error' }));
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (err: NodeJS.ErrnoException) => resolve({ kind: 'error', code: err.code ?? err.name }));
      req.end();
    });
  },
};
