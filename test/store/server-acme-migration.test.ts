import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/store/open-store.js';
import { freshStore, rawExec, testStoreKind } from '../support/store.js';

// A state store written before servers had ACME settings: 0010_server_acme.sql adds the columns
// on the next start, and an existing server reads back with none (the control plane's apply).

const MIGRATION = '0010_server_acme.sql';

describe(`migration ${MIGRATION} (${testStoreKind()})`, () => {
  it('a server row from before reads back with no ACME settings of its own, and takes them after', async () => {
    const settings = await freshStore();
    await rawExec(settings, [
      'ALTER TABLE servers DROP COLUMN acme_ca',
      'ALTER TABLE servers DROP COLUMN acme_email',
      `DELETE FROM berth_migrations WHERE name = '${MIGRATION}'`,
      `INSERT INTO servers (id, name, kind, host, port, username, auth, created_at) VALUES ('server_old', 'old-box', 'ssh', '10.0.0.9', 22, 'deploy', 'agent', '2026-01-01T00:00:00.000Z')`,
    ]);
    const store = await openStore({ home: settings.home, databaseUrl: settings.databaseUrl });
    try {
      expect(await store.servers.get('server_old')).toMatchObject({ id: 'server_old', acmeCa: null, acmeEmail: null });
      await store.servers.setAcme('server_old', { acmeCa: 'https://acme.example.test/dir', acmeEmail: 'ops@example.test' });
      expect(await store.servers.get('server_old')).toMatchObject({ acmeCa: 'https://acme.example.test/dir', acmeEmail: 'ops@example.test' });
    } finally {
      await store.close();
    }
  });
});
