// Dumps a freshly initialised PGlite data directory next to the built store adapter, so a first
// `berth serve` loads it instead of running initdb (see src/adapters/store/pglite-template.ts).
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';

const db = await PGlite.create();
const dump = await db.dumpDataDir('gzip');
writeFileSync('dist/adapters/store/pglite-template.tar.gz', Buffer.from(await dump.arrayBuffer()));
await db.close();
