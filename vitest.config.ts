import { defineConfig } from 'vitest/config';

// The whole suite runs once per state store: PGlite always, PostgreSQL when
// BERTH_TEST_DATABASE_URL points at a server (CI starts one on 127.0.0.1).
const stores = ['pglite', ...(process.env.BERTH_TEST_DATABASE_URL ? ['postgres'] : [])];

export default defineConfig({
  test: {
    projects: stores.map((store) => ({
      extends: true,
      test: {
        name: store,
        env: { BERTH_TEST_STORE: store },
      },
    })),
    globalSetup: ['test/support/global-setup.ts'],
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: '.berth-test/results.json' }]],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
