import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDatabase } from './global-setup.js';
import { ROOT } from './paths.js';

// The fault suite's own PostgreSQL (scripts/start-fault-postgres.sh): one it may stop and start.
// The shared test server (BERTH_TEST_DATABASE_URL) is never restarted.

const SCRIPT = `${ROOT}scripts/start-fault-postgres.sh`;
const run = (cmd: 'start' | 'stop' | 'restart'): string => execFileSync(SCRIPT, [cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });

/** Starts the private server (or finds it running); its admin URL. */
export function startFaultPostgres(): string {
  return /^export BERTH_FAULT_DATABASE_URL=(.*)$/m.exec(run('start'))![1]!;
}

/** Stops it (fast shutdown: every open connection is terminated). */
export function stopFaultPostgres(): void {
  run('stop');
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
