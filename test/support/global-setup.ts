import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { openStore, pgliteDataDir } from '../../src/adapters/store/open-store.js';
import { migrationFiles } from '../../src/adapters/store/migrate.js';
import { createHash } from 'node:crypto';
import { TEMPLATE_DATABASE, TEMPLATE_PGDATA, TEST_ROOT } from './paths.js';
import pg from 'pg';
import { clearObservedErrors, readObservedErrors, undeclaredErrors } from './observed-errors.js';
import { ensureBaseImages } from '../../src/adapters/docker/base-images.js';
import { DockerEngine } from '../../src/adapters/docker/docker-engine.js';
import { ensureDockerd } from './docker.js';

// Opening a fresh PGlite directory takes ~5 s, an existing one ~0.4 s: the suite prepares one
// migrated template (PGlite directory and PostgreSQL database) and every test copies it.

function migrationsDigest(): string {
  const h = createHash('sha256');
  for (const m of migrationFiles()) h.update(m.name).update(m.sql);
  return h.digest('hex').slice(0, 16);
}

export async function setup(): Promise<void> {
  mkdirSync(TEST_ROOT, { recursive: true });
  clearObservedErrors();
  // The base images take minutes to make the first time (one inspect each once made): made once
  // here, while the template is prepared and before the workers start, instead of by many test
  // control planes racing for them.
  const baseImages = ensureDockerd().then(() => ensureBaseImages(new DockerEngine()));
  baseImages.catch(() => undefined); // awaited below; not unhandled if the template fails first
  const digest = migrationsDigest();
  const marker = `${TEMPLATE_PGDATA}/.migrations-${digest}`;
  if (!existsSync(marker)) {
    rmSync(TEMPLATE_PGDATA, { recursive: true, force: true });
    const home = `${TEST_ROOT}/template-home-${process.pid}`;
    rmSync(home, { recursive: true, force: true });
    const store = await openStore({ home });
    await store.close();
    renameSync(pgliteDataDir(home), TEMPLATE_PGDATA);
    rmSync(home, { recursive: true, force: true });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(marker, digest);
  }
  const url = process.env.BERTH_TEST_DATABASE_URL;
  if (url) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE}`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
    await admin.end();
    const store = await openStore({ home: TEST_ROOT, databaseUrl: withDatabase(url, TEMPLATE_DATABASE) });
    await store.close();
  }
  await baseImages;
}

/** After the run: an operation that answered a code it does not declare fails it (see observed-errors.ts). */
export async function teardown(): Promise<void> {
  const { OPERATIONS } = await import('../../src/operations/catalogue.js');
  const undeclared = undeclaredErrors(readObservedErrors(), OPERATIONS);
  if (undeclared.length > 0) {
    // vitest reports an error thrown here but still exits 0: the exit code is set as well.
    process.exitCode = 1;
    throw new Error(`Operations answered codes they do not declare in \`errors\`:\n  ${undeclared.map((o) => `${o.operation}: ${o.code}`).join('\n  ')}`);
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
