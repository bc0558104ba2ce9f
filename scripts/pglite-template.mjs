// Builds a PGlite data directory next to the built store adapter, so a first `berth serve` unpacks
// it instead of running initdb and every migration (see src/adapters/store/pglite-template.ts;
// opening still runs any migration it lacks). The cluster is initialised and migrated on disk, then
// closed, which shuts its single-user postgres down cleanly: a first start opens it without the
// crash recovery (WAL replay and end-of-recovery checkpoint) a dump of a running one would need.
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { constants, createGzip } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { pack } from 'tar-fs';
import { migrate } from '../dist/adapters/store/migrate.js';

const OUT = 'dist/adapters/store/pglite-template.tar.gz';
/** pg_control's DBState of a cluster shut down cleanly (DB_SHUTDOWNED). */
const SHUT_DOWN = 1;

const scratch = mkdtempSync(join(tmpdir(), 'berth-pglite-template-'));
try {
  const dataDir = join(scratch, 'pgdata');
  const db = await PGlite.create(dataDir);
  await migrate({ exec: async (s) => void (await db.exec(s)), query: async (s) => (await db.query(s)).rows });
  await db.close();
  const state = readFileSync(join(dataDir, 'global', 'pg_control')).readUInt32LE(16);
  if (state !== SHUT_DOWN) throw new Error(`the template cluster did not shut down cleanly (pg_control state ${state})`);
  await pipeline(
    pack(dataDir, { ignore: (name) => name.endsWith('postmaster.pid') }),
    createGzip({ level: constants.Z_BEST_COMPRESSION }),
    createWriteStream(OUT),
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
