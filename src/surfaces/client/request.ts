import type { Operation } from '../../operations/operation.js';

export interface ApiRequest {
  method: string;
  path: string;
  body?: string;
}

/**
 * Turns an operation input into the HTTP request the control plane routes back to the same
 * operation: path fields go into the path, the rest into the query (GET) or a JSON body.
 */
export function requestFor(op: Pick<Operation, 'http'>, input: Record<string, unknown>): ApiRequest {
  const rest: Record<string, unknown> = { ...input };
  const path = op.http.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = rest[name];
    delete rest[name];
    return encodeURIComponent(value === undefined ? '' : String(value));
  });
  if (op.http.method === 'GET' || op.http.method === 'DELETE') {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(rest)) {
      if (v === undefined) continue;
      qs.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    const query = qs.toString();
    return { method: op.http.method, path: query ? `${path}?${query}` : path };
  }
  return { method: op.http.method, path, body: JSON.stringify(rest) };
}
