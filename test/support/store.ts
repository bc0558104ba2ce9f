import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { TEMPLATE_DATABASE, TEMPLATE_PGDATA, TEST_ROOT } from './paths.js';
import { withDatabase } from './global-setup.js';

export interface TestStoreSettings {
  home: string;
  databaseUrl?: string;
}

export const testStoreKind = (): 'pglite' | 'postgres' => (process.env.BERTH_TEST_STORE === 'postgres' ? 'postgres' : 'pglite');

/**
 * A fresh, migrated state for one test: a copy of the template PGlite directory, or a new
 * PostgreSQL database cloned from the template database.
 */
export async function freshStore(): Promise<TestStoreSettings> {
  mkdirSync(TEST_ROOT, { recursive: true });
  const home = mkdtempSync(`${TEST_ROOT}/home-`);
  if (testStoreKind() === 'pglite') {
    cpSync(TEMPLATE_PGDATA, `${home}/pgdata`, { recursive: true });
    return { home };
  }
  const url = process.env.BERTH_TEST_DATABASE_URL!;
  const name = `berth_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
  await admin.end();
  return { home, databaseUrl: withDatabase(url, name) };
}

/** Runs statements on a store's database directly, as an earlier Berth would have left it (migration tests). */
export async function rawExec(settings: TestStoreSettings, statements: string[]): Promise<void> {
  if (testStoreKind() === 'postgres') {
    const client = new pg.Client({ connectionString: settings.databaseUrl });
    await client.connect();
    for (const s of statements) await client.query(s);
    await client.end();
    return;
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(`${settings.home}/pgdata`);
  for (const s of statements) await db.exec(s);
  await db.close();
}
