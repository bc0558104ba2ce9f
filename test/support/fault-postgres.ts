import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDatabase } from './global-setup.js';
import { ROOT } from './paths.js';

// The fault suite's own PostgreSQL (scripts/start-fault-postgres.sh): one it may stop and start.
// The shared test server (BERTH_TEST_DATABASE_URL) is never restarted.

const SCRIPT = `${ROOT}scripts/start-fault-postgres.sh`;
// Asynchronous: the control plane under test shares this process, and its event loop must keep running.
const run = async (cmd: 'start' | 'stop' | 'restart'): Promise<string> => (await promisify(execFile)(SCRIPT, [cmd], { encoding: 'utf8', timeout: 120_000 })).stdout;

/** Starts the private server (or finds it running); its admin URL. */
export async function startFaultPostgres(): Promise<string> {
  return /^export BERTH_FAULT_DATABASE_URL=(.*)$/m.exec(await run('start'))![1]!;
}

/** Stops it (fast shutdown: every open connection is terminated). */
export async function stopFaultPostgres(): Promise<void> {
  await run('stop');
}

/** A new, empty database on the private server (the control plane migrates it when it opens). */
export async function faultDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `berth_fault_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const drop = async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  };
  return { url: withDatabase(adminUrl, name), drop };
}
