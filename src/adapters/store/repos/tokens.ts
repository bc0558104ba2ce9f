import { asc, eq } from 'drizzle-orm';
import type { Token } from '../../../core/model/records.js';
import type { TokensRepo } from '../../../ports/store.js';
import type { Db } from '../db.js';
import { iso, isoRequired } from '../db.js';
import { tokens } from '../schema.js';

const toToken = (r: typeof tokens.$inferSelect): Token => ({
  id: r.id,
  name: r.name,
  createdAt: isoRequired(r.createdAt),
  revokedAt: iso(r.revokedAt),
  lastUsedAt: iso(r.lastUsedAt),
});

export function tokensRepo(db: Db): TokensRepo {
  return {
    async create(t, secretHash) {
      await db.insert(tokens).values({ ...t, secretHash });
    },
    async get(id) {
      const [row] = await db.select().from(tokens).where(eq(tokens.id, id));
      return row && toToken(row);
    },
    async findByHash(secretHash) {
      const [row] = await db.select().from(tokens).where(eq(tokens.secretHash, secretHash));
      return row && toToken(row);
    },
    async list() {
      return (await db.select().from(tokens).orderBy(asc(tokens.id))).map(toToken);
    },
    async revoke(id, at) {
      await db.update(tokens).set({ revokedAt: at }).where(eq(tokens.id, id));
    },
    async touch(id, at) {
      await db.update(tokens).set({ lastUsedAt: at }).where(eq(tokens.id, id));
    },
  };
}
