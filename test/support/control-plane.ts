import { startControlPlane, type ControlPlane } from '../../src/main/control-plane.js';
import { serveSettings } from '../../src/main/settings.js';
import { ApiClient } from '../../src/surfaces/client/api-client.js';
import { freshStore, type TestStoreSettings } from './store.js';

export interface TestControlPlane extends ControlPlane {
  settings: TestStoreSettings;
  client: ApiClient;
  /** Environment for a CLI subprocess that should use this control plane through its state file. */
  cliEnv: NodeJS.ProcessEnv;
}

/** A control plane in this test process on a free port, over a fresh store. */
export async function startTestControlPlane(env: NodeJS.ProcessEnv = {}): Promise<TestControlPlane> {
  const settings = await freshStore();
  const plane = await startControlPlane(
    serveSettings({ ...env, BERTH_HOME: settings.home, BERTH_DATABASE_URL: settings.databaseUrl ?? '' }, { listen: '127.0.0.1', port: '0' }),
  );
  const cliEnv = { ...process.env, BERTH_HOME: settings.home, BERTH_DATABASE_URL: settings.databaseUrl ?? '', BERTH_URL: '', BERTH_TOKEN: '' };
  return { ...plane, settings, client: new ApiClient({ url: plane.url, token: plane.token }), cliEnv };
}
