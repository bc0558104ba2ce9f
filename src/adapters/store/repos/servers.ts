import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Server } from '../../../core/model/records.js';
import type { ServersRepo } from '../../../ports/store.js';
import type { Db } from '../db.js';
import { isoRequired } from '../db.js';
import { servers } from '../schema.js';

const toServer = (r: typeof servers.$inferSelect): Server => ({
  id: r.id,
  name: r.name,
  kind: r.kind as Server['kind'],
  host: r.host,
  port: r.port,
  user: r.username,
  auth: (r.auth as Server['auth']) ?? null,
  hostKey: r.hostKey,
  stateRoot: r.stateRoot,
  httpPort: r.httpPort,
  baseDomain: r.baseDomain,
  dockerSocket: r.dockerSocket,
  acmeCa: r.acmeCa,
  acmeEmail: r.acmeEmail,
  createdAt: isoRequired(r.createdAt),
});

export function serversRepo(db: Db): ServersRepo {
  return {
    async create(s, sealedCredentials) {
      await db.insert(servers).values({
        id: s.id,
        name: s.name,
        kind: s.kind,
        host: s.host,
        port: s.port,
        username: s.user,
        auth: s.auth,
        hostKey: s.hostKey,
        stateRoot: s.stateRoot,
        httpPort: s.httpPort,
        baseDomain: s.baseDomain,
        dockerSocket: s.dockerSocket,
        acmeCa: s.acmeCa,
        acmeEmail: s.acmeEmail,
        sealedCredentials: sealedCredentials ?? null,
        createdAt: s.createdAt,
      });
    },
    async get(id) {
      const [row] = await db.select().from(servers).where(eq(servers.id, id));
      return row && toServer(row);
    },
    async findByName(name) {
      const [row] = await db.select().from(servers).where(eq(servers.name, name));
      return row && toServer(row);
    },
    async list() {
      return (await db.select().from(servers).orderBy(asc(servers.id))).map(toServer);
    },
    async sealedCredentials(id) {
      const [row] = await db.select({ sealed: servers.sealedCredentials }).from(servers).where(eq(servers.id, id));
      return row?.sealed ?? null;
    },
    async setAcme(id, acme) {
      await db.update(servers).set(acme).where(eq(servers.id, id));
    },
    async setHostKey(id, hostKey) {
      await db.update(servers).set({ hostKey }).where(eq(servers.id, id));
    },
    async pinFirstHostKey(id, hostKey) {
      const rows = await db.update(servers).set({ hostKey }).where(and(eq(servers.id, id), isNull(servers.hostKey))).returning({ id: servers.id });
      return rows.length > 0;
    },
  };
}
