import { recordObservedError } from '../support/observed-errors.js';
import pg from 'pg';
import { startControlPlane } from '../../src/main/control-plane.js';
import { serveSettings } from '../../src/main/settings.js';
import { ApiClient } from '../../src/surfaces/client/api-client.js';
import { FAST_ENGINE_ENV, type TestControlPlane } from '../support/control-plane.js';
import { freePort } from '../support/ports.js';
import type { TestStoreSettings } from '../support/store.js';

// Helpers of the governance tests: JSON calls, raw SQL on the state store behind Berth's back
// (PGlite allows one process, so the plane is closed first and reopened after), row counts.

export type Err = { error: { code: string; category: string; phase: string; details: Record<string, unknown> } };

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
export async function call<T = Record<string, any>>(plane: { client: ApiClient }, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await plane.client.raw(method, path, body === undefined ? undefined : JSON.stringify(body));
  return { status: r.status, body: JSON.parse(r.body) as T };
}

/** A control plane over an existing store (after a raw edit), with the test defaults. */
export async function reopenPlane(settings: TestStoreSettings): Promise<TestControlPlane> {
  const httpPort = await freePort();
  const env = { BERTH_PROXY_BOOTSTRAP: 'false', ...FAST_ENGINE_ENV, BERTH_HTTP_PORT: String(httpPort), BERTH_HOME: settings.home, BERTH_DATABASE_URL: settings.databaseUrl ?? '' };
  const plane = await startControlPlane(serveSettings(env, { listen: '127.0.0.1', port: '0' }), { observeError: recordObservedError });
  const cliEnv = { ...process.env, BERTH_HOME: settings.home, BERTH_DATABASE_URL: settings.databaseUrl ?? '', BERTH_URL: '', BERTH_TOKEN: '', BERTH_PROXY_BOOTSTRAP: 'false' };
  const close = async () => {
    await plane.close();
    await plane.runner.idle();
  };
  return { ...plane, close, settings, client: new ApiClient({ url: plane.url, token: plane.token }), cliEnv, httpPort };
}

/** Runs SQL directly on the store's database; the control plane must be closed for PGlite. */
export async function rawSql<T = Record<string, unknown>>(settings: TestStoreSettings, text: string, params: unknown[] = []): Promise<T[]> {
  if (settings.databaseUrl) {
    const client = new pg.Client({ connectionString: settings.databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(`${settings.home}/pgdata`);
  try {
    return (await db.query<T>(text, params)).rows;
  } finally {
    await db.close();
  }
}

/** Row count changes between two countRows() snapshots, only where non-zero. */
export function deltas(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[t] ?? 0) - (before[t] ?? 0);
    if (d !== 0) out[t] = d;
  }
  return out;
}

export const isoAgo = (ms: number) => new Date(Date.now() - ms).toISOString();
export const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();
