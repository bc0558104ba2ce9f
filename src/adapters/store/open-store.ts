import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import type { Store, StoreRepos } from '../../ports/store.js';
import type { Db } from './db.js';
import { acquireLock, type HeldLock } from './lockfile.js';
import { migrate, type ScriptRunner } from './migrate.js';
import { templateFor } from './pglite-template.js';
import { auditRepo } from './repos/audit.js';
import { environmentsRepo, projectsRepo } from './repos/projects.js';
import { resourcesRepo } from './repos/resources.js';
import { serversRepo } from './repos/servers.js';
import { tokensRepo } from './repos/tokens.js';
import { consoleSessionsRepo } from './repos/console-sessions.js';
import { deploymentsRepo } from './repos/deployments.js';
import { journalRepo } from './repos/journal.js';
import { auditHistoryRepo } from './repos/audit-history.js';
import { legalHoldsRepo } from './repos/legal-holds.js';
import { providerJobLogsRepo } from './repos/provider-job-logs.js';
import { resourceSecretsRepo } from './repos/resource-secrets.js';
import { retentionDefaultsRepo } from './repos/retention-defaults.js';
import { workRepo } from './repos/work.js';
import { sql } from 'drizzle-orm';
import { guardRepos, guardStoreCall } from './store-faults.js';

export interface StoreOptions {
  /** State directory; the embedded store lives in `<home>/pgdata`. */
  home: string;
  /** When set, PostgreSQL is used instead of the embedded store. */
  databaseUrl?: string;
}

export function pgliteDataDir(home: string): string {
  return join(home, 'pgdata');
}

function repos(db: Db): StoreRepos {
  return {
    projects: projectsRepo(db),
    environments: environmentsRepo(db),
    resources: resourcesRepo(db),
    servers: serversRepo(db),
    tokens: tokensRepo(db),
    consoleSessions: consoleSessionsRepo(db),
    audit: auditRepo(db),
    deployments: deploymentsRepo(db),
    journal: journalRepo(db),
    auditHistory: auditHistoryRepo(db),
    legalHolds: legalHoldsRepo(db),
    retentionDefaults: retentionDefaultsRepo(db),
    providerJobLogs: providerJobLogsRepo(db),
    work: workRepo(db),
    resourceSecrets: resourceSecretsRepo(db),
  };
}

function makeStore(backend: Store['backend'], db: Db, close: () => Promise<void>): Store {
  return {
    backend,
    ...guardRepos(repos(db), backend),
    transaction: (fn) => guardStoreCall(() => db.transaction((tx) => fn(repos(tx as unknown as Db))), backend)(),
    ping: async () => {
      await db.execute(sql`SELECT 1`);
    },
    countRows: async () => {
      const tables = (await db.execute(sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`)) as unknown as { rows: { name: string }[] };
      const counts: Record<string, number> = {};
      for (const { name } of tables.rows) {
        const r = (await db.execute(sql.raw(`SELECT count(*)::int AS n FROM "${name.replace(/"/g, '""')}"`))) as unknown as { rows: { n: number }[] };
        counts[name] = Number(r.rows[0]?.n ?? 0);
      }
      return counts;
    },
    close,
  };
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.home);
}

async function openPglite(home: string): Promise<Store> {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const dataDir = pgliteDataDir(home);
  const lock: HeldLock = acquireLock(`${dataDir}.lock`);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const template = templateFor(dataDir);
    const client = await PGlite.create(dataDir, template ? { loadDataDir: template } : {});
    const runner: ScriptRunner = {
      exec: async (s) => {
        await client.exec(s);
      },
      query: async <T>(s: string) => (await client.query<T>(s)).rows,
    };
    await migrate(runner);
    const db = drizzle(client) as unknown as Db;
    return makeStore('pglite', db, async () => {
      await client.close();
      lock.release();
    });
  } catch (err) {
    lock.release();
    if (err instanceof BerthError) throw err;
    throw new BerthError('state_store_unavailable', 'The embedded state store could not be opened.', { backend: 'pglite', reason: errorReason(err) });
  }
}

async function openPostgres(url: string): Promise<Store> {
  const pg = (await import('pg')).default;
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection the server ended (restart, failover) is dropped from the pool and the next
  // query opens a new one; unhandled, this event would end the process.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    try {
      await migrate({
        exec: async (s) => {
          await client.query(s);
        },
        query: async <T>(s: string) => (await client.query(s)).rows as T[],
      });
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new BerthError('state_store_unavailable', 'PostgreSQL could not be reached or migrated.', { backend: 'postgres', reason: errorReason(err) });
  }
  const db = drizzle(pool) as unknown as Db;
  return makeStore('postgres', db, () => pool.end());
}

/** A short, secret-free reason: error codes and class names, never connection strings. */
function errorReason(err: unknown): string {
  const e = err as { code?: string; name?: string };
  return e?.code ?? e?.name ?? 'unknown';
}
