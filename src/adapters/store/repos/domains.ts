import { asc, eq, sql } from 'drizzle-orm';
import type { CertificateObservation, DomainRecord } from '../../../core/domains/domain.js';
import type { DomainTls } from '../../../core/domains/domain-name.js';
import type { DomainsRepo } from '../../../ports/store.js';
import type { Db } from '../db.js';
import { isoRequired } from '../db.js';
import { domains } from '../schema.js';

const toDomain = (r: typeof domains.$inferSelect): DomainRecord => ({
  id: r.id,
  resourceId: r.resourceId,
  name: r.name,
  tls: r.tls as DomainTls,
  redirectTo: r.redirectTo,
  origin: r.origin as DomainRecord['origin'],
  certSeen: (r.certSeen as CertificateObservation | null) ?? null,
  createdAt: isoRequired(r.createdAt),
});

export function domainsRepo(db: Db): DomainsRepo {
  return {
    async insert(d) {
      const rows = await db.insert(domains).values(d).onConflictDoNothing({ target: domains.name }).returning({ id: domains.id });
      return rows.length === 1;
    },
    async getByName(name) {
      const [row] = await db.select().from(domains).where(eq(domains.name, name));
      return row && toDomain(row);
    },
    async list(filter = {}) {
      const q = db.select().from(domains);
      const rows = await (filter.resourceId ? q.where(eq(domains.resourceId, filter.resourceId)) : q).orderBy(asc(domains.name));
      return rows.map(toDomain);
    },
    async remove(id) {
      await db.delete(domains).where(eq(domains.id, id));
    },
    async setCertSeen(id, expected, seen) {
      const rows = await db
        .update(domains)
        .set({ certSeen: seen })
        .where(sql`${domains.id} = ${id} AND ${domains.certSeen} IS NOT DISTINCT FROM ${expected === null ? null : JSON.stringify(expected)}::jsonb`)
        .returning({ id: domains.id });
      return rows.length === 1;
    },
  };
}
