import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/sequencer.js';

// The suite runs once per state store: PGlite always, PostgreSQL when BERTH_TEST_DATABASE_URL
// points at a server (CI starts one on 127.0.0.1). Tests that never open a store (adapters of
// Docker, Caddy, sources and planners; pure core logic) run once: a second store changes nothing
// they do.
const stores = ['pglite', ...(process.env.BERTH_TEST_DATABASE_URL ? ['postgres'] : [])];
// The SSH tests stop and start the testbed's sshds: two passes at once would trip each other.
const STORE_FREE = ['test/adapters/**', 'test/core/**', 'test/ssh/**'];
// Real-app deploys spend minutes in registry installs and framework builds; what they prove does
// not depend on the store, which every other deploy test covers on both.
const ONCE = [...STORE_FREE, 'test/deploy/real-apps.test.ts'];

export default defineConfig({
  test: {
    projects: stores.map((store) => ({
      extends: true,
      test: {
        name: store,
        env: { BERTH_TEST_STORE: store },
        ...(store === 'pglite' ? {} : { exclude: ONCE }),
      },
    })),
    globalSetup: ['test/support/global-setup.ts', 'test/support/proxy-leaks.ts'],
    include: ['test/**/*.test.ts'],
    sequence: { sequencer: LongestFirst },
    reporters: ['default', ['json', { outputFile: '.berth-test/results.json' }]],
    // Deploy-heavy tests wait on real builds and containers; a loaded CI machine is slow.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    // Most time is spent waiting on Docker builds, containers and HTTP, not on the CPU.
    maxWorkers: 3,
  },
});
