import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Parsed `error` object when the body is an error envelope. */
  error?: { code: string; details: Record<string, unknown>; message: string; [k: string]: unknown };
}

export interface RawRequest {
  method: string;
  path: string;
  token?: string;
  headers?: Record<string, string>;
  /** Sent as is; a string gets Content-Length unless `chunked`. */
  body?: string | Buffer;
  chunked?: boolean;
}

/** One HTTP request with full control over headers and body (the API client always sends good ones). */
export function sendRaw(baseUrl: string, req: RawRequest): Promise<RawAnswer> {
  const url = new URL(req.path, baseUrl);
  const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
  const headers: Record<string, string> = {
    ...(req.token ? { authorization: `Bearer ${req.token}` } : {}),
    ...(body !== undefined && !req.chunked ? { 'content-length': String(body.length) } : {}),
    ...req.headers,
  };
  return new Promise((resolve, reject) => {
    // agent: false: one connection per request, so a refused body never poisons the next request.
    const r = request(url, { method: req.method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let error: RawAnswer['error'];
        try {
          error = (JSON.parse(text) as { error?: RawAnswer['error'] }).error;
        } catch {
          error = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, error });
      });
      res.on('error', reject);
    });
    r.on('error', reject);
    if (body !== undefined) {
      if (req.chunked) {
        // Several writes without a length: the server must count as it reads.
        const step = 64 * 1024;
        for (let i = 0; i < body.length; i += step) r.write(body.subarray(i, i + step));
      } else r.write(body);
    }
    r.end();
  });
}
