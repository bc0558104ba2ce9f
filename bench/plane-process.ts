import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pgliteDataDir } from '../src/adapters/store/open-store.js';
import { readControlPlaneState } from '../src/surfaces/client/state-file.js';

// A benchmark's control plane as its own process (`berth serve`), over the store the run asks
// for, and direct SQL on that store for seeding rows without the API.

const BIN = fileURLToPath(new URL('../bin/berth.js', import.meta.url));

/** PostgreSQL instead of PGlite when set. */
export const BENCH_PG_URL = process.env.BERTH_BENCH_DATABASE_URL || undefined;

/** A fresh database on the PostgreSQL server of BERTH_BENCH_DATABASE_URL. */
export async function freshDatabase(): Promise<string> {
  const pg = (await import('pg')).default;
  const name = `berth_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: BENCH_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(BENCH_PG_URL!);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops a database freshDatabase made. */
export async function dropDatabase(url: string): Promise<void> {
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: BENCH_PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)}`);
  await admin.end();
}

export interface SqlRunner {
  exec(q: string): Promise<void>;
  rows<T>(q: string): Promise<T[]>;
  close(): Promise<void>;
}

/** Plain SQL on the store (PGlite only while no control plane holds it). */
export async function sqlRunner(home: string, databaseUrl?: string): Promise<SqlRunner> {
  if (databaseUrl) {
    const pg = (await import('pg')).default;
    const c = new pg.Client({ connectionString: databaseUrl });
    await c.connect();
    return { exec: async (q) => void (await c.query(q)), rows: async <T>(q: string) => (await c.query(q)).rows as T[], close: () => c.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(pgliteDataDir(home));
  return { exec: async (q) => void (await db.exec(q)), rows: async <T>(q: string) => (await db.query<T>(q)).rows, close: () => db.close() };
}

export interface PlaneProcess {
  child: ChildProcess;
  url: string;
  token: string;
  stop(): Promise<void>;
}

/** Starts `berth serve` on a free port (no edge proxy) and waits for its state file. */
export async function servePlane(home: string, databaseUrl?: string): Promise<PlaneProcess> {
  // BENCH_SERVE_NODE_ARGS: Node options for the control plane, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
  const nodeArgs = (process.env.BENCH_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'serve', '--port', '0'], {
    env: { ...process.env, BERTH_HOME: home, BERTH_DATABASE_URL: databaseUrl ?? '', BERTH_PROXY_BOOTSTRAP: 'false' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  // A loaded machine can take minutes to start PGlite.
  for (let i = 0; i < 3000; i++) {
    const s = readControlPlaneState(home);
    if (s && s.pid === child.pid) return { child, url: s.url, token: s.token, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error('berth serve did not start');
}

/** Resident memory of a process, from /proc. */
export const memKb = (pid: number, field: 'VmRSS' | 'VmHWM') => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0);
