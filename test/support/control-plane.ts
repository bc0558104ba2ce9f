import { afterAll } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../src/main/control-plane.js';
import { serveSettings } from '../../src/main/settings.js';
import { ApiClient } from '../../src/surfaces/client/api-client.js';
import { removeRuntimeOf } from './docker-objects.js';
import { recordObservedError } from './observed-errors.js';
import { freePort } from './ports.js';
import { freshStore, type TestStoreSettings } from './store.js';

export interface TestControlPlane extends ControlPlane {
  settings: TestStoreSettings;
  client: ApiClient;
  /** Environment for a CLI subprocess that should use this control plane through its state file. */
  cliEnv: NodeJS.ProcessEnv;
  httpPort: number;
}

/** Engine timings short enough for tests; each test's proxy gets its own free ports. */
export const FAST_ENGINE_ENV = {
  BERTH_HEARTBEAT_MS: '500',
  BERTH_POLL_MS: '100',
  BERTH_DRAIN_MS: '300',
  BERTH_MIN_FREE_BYTES: String(64 * 1024 * 1024),
};

/** A control plane in this test process on a free port, over a fresh store. */
export async function startTestControlPlane(env: NodeJS.ProcessEnv = {}): Promise<TestControlPlane> {
  const settings = await freshStore();
  const httpPort = await freePort();
  const full = {
    BERTH_PROXY_BOOTSTRAP: 'false',
    ...FAST_ENGINE_ENV,
    BERTH_HTTP_PORT: String(httpPort),
    ...env,
    BERTH_HOME: settings.home,
    BERTH_DATABASE_URL: settings.databaseUrl ?? '',
  };
  const plane = await startControlPlane(serveSettings(full, { listen: '127.0.0.1', port: '0' }), { observeError: recordObservedError });
  const cliEnv = { ...process.env, BERTH_HOME: settings.home, BERTH_DATABASE_URL: settings.databaseUrl ?? '', BERTH_URL: '', BERTH_TOKEN: '', BERTH_PROXY_BOOTSTRAP: 'false' };
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    const resources = await plane.store.resources.list().catch(() => []);
    await plane.close();
    await plane.targets.local.proxy.stop().catch(() => undefined);
    await removeRuntimeOf(resources.map((r) => r.id));
  };
  return { ...plane, close, settings, client: new ApiClient({ url: plane.url, token: plane.token }), cliEnv, httpPort };
}

/**
 * Control planes for one describe block: each call starts one, and every one started is closed
 * after the block's tests. Call it inside the describe, not in a test.
 */
export function planesOfSuite(): (env?: NodeJS.ProcessEnv) => Promise<TestControlPlane> {
  const planes: TestControlPlane[] = [];
  afterAll(async () => {
    for (const p of planes) await p.close();
  });
  return async (env = {}) => {
    const p = await startTestControlPlane(env);
    planes.push(p);
    return p;
  };
}
