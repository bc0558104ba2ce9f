import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/adapters/store/open-store.js';
import { redeployProblems } from '../../src/core/recovery/profile-check.js';
import { freshStore, rawExec, testStoreKind } from '../support/store.js';

// A state store written before build profiles existed: 0005_build_profile.sql adds the column on
// the next start, and every existing resource reads back with the profile's defaults.

const MIGRATION = '0005_build_profile.sql';

describe(`migration ${MIGRATION} (${testStoreKind()})`, () => {
  it('a resource row from before the build column reads back with the default build profile', async () => {
    const settings = await freshStore();
    const at = '2026-01-01T00:00:00.000Z';
    await rawExec(settings, [
      // Undo the migration, so the store looks as the previous release left it.
      'ALTER TABLE resources DROP COLUMN build',
      `DELETE FROM berth_migrations WHERE name = '${MIGRATION}'`,
      `INSERT INTO projects (id, name, created_at) VALUES ('prj_old', 'old', '${at}')`,
      `INSERT INTO environments (id, project_id, name, created_at) VALUES ('env_old', 'prj_old', 'production', '${at}')`,
      `INSERT INTO resources (id, project_id, environment_id, name, source, runtime, network, health, access, created_at, updated_at)
       VALUES ('res_old', 'prj_old', 'env_old', 'legacy', '{"kind":"folder","location":"/srv/legacy"}', '{"method":"auto"}', '{}',
               '{"path":"/","timeoutSeconds":30,"intervalMs":500}', '{}', '${at}', '${at}')`,
    ]);

    const store = await openStore({ home: settings.home, databaseUrl: settings.databaseUrl });
    try {
      const resource = await store.resources.get('res_old');
      expect(resource?.build).toEqual({ hostTrust: true });
      expect(resource && redeployProblems(resource)).toEqual({ reasons: [], fields: [] });
      // The column now exists for new writes too.
      await store.resources.update({ ...resource!, build: { env: { NODE_ENV: 'production' }, hostTrust: false } });
      expect((await store.resources.get('res_old'))?.build).toEqual({ env: { NODE_ENV: 'production' }, hostTrust: false });
    } finally {
      await store.close();
    }
  });
});
