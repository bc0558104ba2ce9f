import { BerthError } from '../../core/errors/berth-error.js';
import type { Store, StoreRepos } from '../../ports/store.js';
import type { Db } from './db.js';
import { pgliteDataDir, takeEmbeddedStart } from './embedded-start.js';
import { migrate, type ScriptRunner } from './migrate.js';
import { pgliteWasm } from './pglite-wasm.js';
import { auditRepo } from './repos/audit.js';
import { environmentsRepo, projectsRepo } from './repos/projects.js';
import { resourcesRepo } from './repos/resources.js';
import { serversRepo } from './repos/servers.js';
import { tokensRepo } from './repos/tokens.js';
import { domainsRepo } from './repos/domains.js';
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
  /** Told each stage of opening as it begins (a starting control plane reports its progress). */
  onStage?: (stage: 'store-unpack' | 'store-open' | 'store-migrate') => void;
}

/**
 * PGlite's memory, sized for one embedded control plane with one connection (its WASM memory
 * never shrinks, so every buffer reserved here stays resident). PostgreSQL's default 128 MB of
 * shared buffers alone cost about 150 MB of RSS at open; the store's working set is a few MB, and
 * reads that miss come from the OS page cache.
 */
const PGLITE_MEMORY = ['shared_buffers=8MB', 'wal_buffers=256kB', 'max_connections=4', 'work_mem=2MB', 'maintenance_work_mem=16MB', 'temp_buffers=2MB'].flatMap((kv) => ['-c', kv]);

export { pgliteDataDir };

function repos(db: Db): StoreRepos {
  return {
    projects: projectsRepo(db),
    environments: environmentsRepo(db),
    resources: resourcesRepo(db),
    servers: serversRepo(db),
    tokens: tokensRepo(db),
    domains: domainsRepo(db),
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
  const onStage = opts.onStage ?? (() => undefined);
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, onStage) : openPglite(opts.home, onStage);
}

async function openPglite(home: string, onStage: NonNullable<StoreOptions['onStage']>): Promise<Store> {
  const dataDir = pgliteDataDir(home);
  const { lock, unpacked } = takeEmbeddedStart(home);
  try {
    onStage('store-unpack');
    // PGlite's code loads and its WASM compiles while the template unpacks (on a worker thread;
    // V8 compiles on its own threads).
    const loading = Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite'), pgliteWasm()]);
    loading.catch(() => undefined); // awaited below, after the unpack; not unhandled if that throws first
    await unpacked;
    const [{ PGlite }, { drizzle }, pgliteWasmModule] = await loading;
    onStage('store-open');
    const client = await PGlite.create(dataDir, { pgliteWasmModule, startParams: [...PGlite.defaultStartParams, ...PGLITE_MEMORY] });
    const runner: ScriptRunner = {
      exec: async (s) => {
        await client.exec(s);
      },
      query: async <T>(s: string) => (await client.query<T>(s)).rows,
    };
    onStage('store-migrate');
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

async function openPostgres(url: string, onStage: NonNullable<StoreOptions['onStage']>): Promise<Store> {
  const pg = (await import('pg')).default;
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection the server ended (restart, failover) is dropped from the pool and the next
  // query opens a new one; unhandled, this event would end the process.
  pool.on('error', () => undefined);
  try {
    onStage('store-open');
    const client = await pool.connect();
    try {
      onStage('store-migrate');
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
