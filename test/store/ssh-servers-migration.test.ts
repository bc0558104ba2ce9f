import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/store/open-store.js';
import { freshStore, rawExec, testStoreKind } from '../support/store.js';

// A state store written before SSH servers had credentials and settings: 0006_ssh_servers.sql adds
// the columns on the next start, and every existing server reads back with the defaults.

const MIGRATION = '0006_ssh_servers.sql';

describe(`migration ${MIGRATION} (${testStoreKind()})`, () => {
  it('a server row from before reads back with the defaults and no credentials', async () => {
    const settings = await freshStore();
    const at = '2026-01-01T00:00:00.000Z';
    await rawExec(settings, [
      ...['auth', 'host_key', 'state_root', 'http_port', 'base_domain', 'docker_socket', 'sealed_credentials'].map((c) => `ALTER TABLE servers DROP COLUMN ${c}`),
      `DELETE FROM berth_migrations WHERE name = '${MIGRATION}'`,
      `INSERT INTO servers (id, name, kind, host, port, username, created_at) VALUES ('server_old', 'old-box', 'ssh', '10.0.0.9', 22, 'deploy', '${at}')`,
    ]);
    const store = await openStore({ home: settings.home, databaseUrl: settings.databaseUrl });
    try {
      expect(await store.servers.get('server_old')).toEqual({
        id: 'server_old', name: 'old-box', kind: 'ssh', host: '10.0.0.9', port: 22, user: 'deploy',
        auth: null, hostKey: null, stateRoot: '/var/lib/berth', httpPort: 80, baseDomain: null, dockerSocket: '/var/run/docker.sock', acmeCa: null, acmeEmail: null, createdAt: at,
      });
      expect(await store.servers.sealedCredentials('server_old')).toBeNull();
      await store.servers.setHostKey('server_old', `SHA256:${'b'.repeat(43)}`);
      expect((await store.servers.get('server_old'))?.hostKey).toBe(`SHA256:${'b'.repeat(43)}`);
    } finally {
      await store.close();
    }
  });
});
