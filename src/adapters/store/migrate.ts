import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// One set of SQL migrations for both backends, applied in name order, each in its own
// transaction, under an advisory lock so several control planes on one PostgreSQL agree.

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface ScriptRunner {
  exec(sql: string): Promise<void>;
  query<T>(sql: string): Promise<T[]>;
}

export function migrationFiles(): { name: string; sql: string }[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, sql: readFileSync(MIGRATIONS_DIR + name, 'utf8') }));
}

export async function migrate(db: ScriptRunner): Promise<string[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS berth_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  const applied: string[] = [];
  // One read settles the usual start, every migration applied: only those missing from it are
  // taken under the lock (and checked again there, another control plane may apply them first).
  const done = new Set((await db.query<{ name: string }>('SELECT name FROM berth_migrations')).map((r) => r.name));
  for (const m of migrationFiles().filter((f) => !done.has(f.name))) {
    const escaped = m.name.replace(/'/g, "''");
    await db.exec('BEGIN');
    try {
      await db.exec("SELECT pg_advisory_xact_lock(7420001)");
      const done = await db.query<{ name: string }>(`SELECT name FROM berth_migrations WHERE name = '${escaped}'`);
      if (done.length === 0) {
        await db.exec(m.sql);
        await db.exec(`INSERT INTO berth_migrations (name) VALUES ('${escaped}')`);
        applied.push(m.name);
      }
      await db.exec('COMMIT');
    } catch (err) {
      await db.exec('ROLLBACK');
      throw err;
    }
  }
  return applied;
}
