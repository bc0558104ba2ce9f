import { and, eq, gt, isNull } from 'drizzle-orm';
import type { ConsoleSession, ConsoleSessionsRepo } from '../../../ports/store.js';
import type { Db } from '../db.js';
import { iso, isoRequired } from '../db.js';
import { consoleSessions } from '../schema.js';

const toSession = (r: typeof consoleSessions.$inferSelect): ConsoleSession => ({
  id: r.id,
  tokenId: r.tokenId,
  linkExpiresAt: iso(r.linkExpiresAt),
  redeemedAt: iso(r.redeemedAt),
  expiresAt: iso(r.expiresAt),
  revokedAt: iso(r.revokedAt),
  createdAt: isoRequired(r.createdAt),
});

export function consoleSessionsRepo(db: Db): ConsoleSessionsRepo {
  return {
    async create(s, hashes) {
      await db.insert(consoleSessions).values({ ...s, linkHash: hashes.linkHash ?? null, secretHash: hashes.secretHash ?? null });
    },
    async redeemLink(linkHash, secretHash, at, expiresAt) {
      const rows = await db
        .update(consoleSessions)
        .set({ redeemedAt: at, secretHash, expiresAt })
        .where(and(eq(consoleSessions.linkHash, linkHash), isNull(consoleSessions.redeemedAt), isNull(consoleSessions.revokedAt), gt(consoleSessions.linkExpiresAt, at)))
        .returning();
      return rows[0] && toSession(rows[0]);
    },
    async findByLinkHash(linkHash) {
      const [row] = await db.select().from(consoleSessions).where(eq(consoleSessions.linkHash, linkHash));
      return row && toSession(row);
    },
    async findBySecretHash(secretHash) {
      const [row] = await db.select().from(consoleSessions).where(eq(consoleSessions.secretHash, secretHash));
      return row && toSession(row);
    },
    async revoke(id, at) {
      await db.update(consoleSessions).set({ revokedAt: at }).where(and(eq(consoleSessions.id, id), isNull(consoleSessions.revokedAt)));
    },
  };
}
