import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from '../../src/adapters/store/schema.js';
import { freshStore, testStoreKind } from '../support/store.js';

// The migrations are the authority on tables; src/adapters/store/schema.ts is Drizzle's view of
// them. Both must agree on every table, column, type, nullability and primary key, on the store
// this run uses (the suite runs once per store: BERTH_TEST_STORE).

interface Column {
  table: string;
  column: string;
  type: string;
  nullable: boolean;
}

/** Drizzle's SQL types, spelled the way information_schema reports them. */
function normalType(sqlType: string): string {
  const t = sqlType.toLowerCase();
  if (t === 'bigserial') return 'bigint';
  if (t === 'serial') return 'integer';
  if (t.startsWith('timestamp') && t.includes('with time zone')) return 'timestamp with time zone';
  if (t.startsWith('timestamp')) return 'timestamp without time zone';
  return t;
}

function declared(): { columns: Column[]; keys: Record<string, string[]> } {
  const columns: Column[] = [];
  const keys: Record<string, string[]> = {};
  for (const value of Object.values(schema)) {
    if (!(value instanceof PgTable)) continue;
    const config = getTableConfig(value);
    for (const c of config.columns) columns.push({ table: config.name, column: c.name, type: normalType(c.getSQLType()), nullable: !c.notNull });
    const single = config.columns.filter((c) => c.primary).map((c) => c.name);
    const composite = config.primaryKeys.flatMap((k) => k.columns.map((c) => c.name));
    keys[config.name] = [...single, ...composite].sort();
  }
  return { columns, keys };
}

type Query = (sql: string) => Promise<Record<string, unknown>[]>;

async function openRaw(): Promise<{ query: Query; close: () => Promise<void> }> {
  const settings = await freshStore();
  if (testStoreKind() === 'postgres') {
    const client = new pg.Client({ connectionString: settings.databaseUrl });
    await client.connect();
    return { query: async (s) => (await client.query(s)).rows as Record<string, unknown>[], close: () => client.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(`${settings.home}/pgdata`);
  return { query: async (s) => (await db.query<Record<string, unknown>>(s)).rows, close: () => db.close() };
}

describe(`schema.ts matches the migrations (${testStoreKind()})`, () => {
  let raw: Awaited<ReturnType<typeof openRaw>>;
  beforeAll(async () => {
    raw = await openRaw();
  });
  afterAll(async () => {
    await raw?.close();
  });

  it('the same tables and columns, with the same types and nullability', async () => {
    const rows = await raw.query(`
      SELECT c.table_name, c.column_name, c.data_type, c.is_nullable
      FROM information_schema.columns c
      JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`);
    // The migration runner's own bookkeeping is not part of the application schema.
    const migrated = rows
      .filter((r) => !String(r.table_name).startsWith('berth_migrations') && r.table_name !== 'schema_migrations')
      .map((r) => ({ table: String(r.table_name), column: String(r.column_name), type: String(r.data_type), nullable: r.is_nullable === 'YES' }));
    const byKey = (c: Column) => `${c.table}.${c.column}`;
    const sort = (cs: Column[]) => [...cs].sort((a, b) => byKey(a).localeCompare(byKey(b)));
    expect(sort(declared().columns)).toEqual(sort(migrated));
  });

  it('the same primary keys', async () => {
    const rows = await raw.query(`
      SELECT tc.table_name, kcu.column_name
      FROM information_schema.table_constraints tc
      JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
      WHERE tc.table_schema = current_schema() AND tc.constraint_type = 'PRIMARY KEY'`);
    const migrated: Record<string, string[]> = {};
    for (const r of rows) (migrated[String(r.table_name)] ??= []).push(String(r.column_name));
    for (const table of Object.keys(migrated)) migrated[table]!.sort();
    delete migrated.berth_migrations;
    expect(declared().keys).toEqual(migrated);
  });
});
