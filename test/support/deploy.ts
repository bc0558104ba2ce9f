import { request } from 'node:http';
import type { TestControlPlane } from './control-plane.js';

export interface DeploymentStatus {
  id: string;
  resourceId: string;
  status: string;
  currentPhase: string;
  accessUrl: string | null;
  server?: { id: string; name: string | null };
  error?: { code: string; phase: string; category: string; details: Record<string, unknown> };
  sourceSummary: { kind: string; gitRef: string | null; baseDirectory: string | null; commit: string | null };
  recoveryHint: string | null;
}

const TERMINAL = ['succeeded', 'failed', 'canceled', 'interrupted', 'rolled-back'];

export async function api<T = Record<string, unknown>>(plane: TestControlPlane, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await plane.client.raw(method, path, body === undefined ? undefined : JSON.stringify(body));
  return { status: r.status, body: JSON.parse(r.body) as T };
}

export async function waitTerminal(plane: TestControlPlane, id: string, timeoutMs = 120_000): Promise<DeploymentStatus> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { body } = await api<DeploymentStatus>(plane, 'GET', `/api/deployments/${id}`);
    if (TERMINAL.includes(body.status)) return body;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`deployment ${id} did not finish in ${timeoutMs} ms`);
}

/** Creates a deployment through the HTTP API and waits for its end. */
export async function deploy(plane: TestControlPlane, input: Record<string, unknown>): Promise<DeploymentStatus> {
  const created = await api<DeploymentStatus & { error?: unknown }>(plane, 'POST', '/api/deployments', input);
  if (created.status !== 200) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  return waitTerminal(plane, created.body.id);
}

/** GET through the edge proxy, the way a browser reaches a generated URL (only the plane's edge port is used). */
export function viaProxy(plane: Pick<TestControlPlane, 'httpPort'>, url: string, path = '/', agent?: import('node:http').Agent): Promise<{ status: number; body: string }> {
  return getWithHost('127.0.0.1', plane.httpPort, url, path, agent);
}

/** GET at an edge's address and port with the generated URL's host, as a browser reaches it. */
export function getWithHost(address: string, port: number, url: string, path = '/', agent?: import('node:http').Agent): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path, headers: { host: u.host }, agent: agent ?? false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The journal events of one attempt (kind, phase, data), oldest first. */
export async function journalOf(plane: TestControlPlane, id: string): Promise<{ kind: string; phase: string; at: string; data: Record<string, unknown> }[]> {
  const { body } = await api<{ envelopes: { kind: string; event?: { kind: string; phase: string; at: string; data: Record<string, unknown> } }[] }>(plane, 'GET', `/api/deployments/${id}/events`);
  return body.envelopes.filter((e) => e.kind === 'event' && e.event).map((e) => e.event!);
}
