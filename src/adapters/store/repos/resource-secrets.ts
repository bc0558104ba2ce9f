import { and, asc, eq, inArray } from 'drizzle-orm';
import type { ResourceSecretsRepo } from '../../../ports/governance-store.js';
import type { Db } from '../db.js';
import { isoRequired } from '../db.js';
import { resourceSecrets } from '../schema.js';

/** Sealed secret values by resource and name; this repo never sees a value in clear. */
export function resourceSecretsRepo(db: Db): ResourceSecretsRepo {
  return {
    async put(resourceId, name, sealed, at) {
      await db
        .insert(resourceSecrets)
        .values({ resourceId, name, sealed, createdAt: at, updatedAt: at })
        .onConflictDoUpdate({ target: [resourceSecrets.resourceId, resourceSecrets.name], set: { sealed, updatedAt: at } });
    },
    async remove(resourceId, name) {
      const rows = await db
        .delete(resourceSecrets)
        .where(and(eq(resourceSecrets.resourceId, resourceId), eq(resourceSecrets.name, name)))
        .returning({ name: resourceSecrets.name });
      return rows.length > 0;
    },
    async sealed(resourceId, names) {
      if (names.length === 0) return [];
      return db
        .select({ name: resourceSecrets.name, sealed: resourceSecrets.sealed })
        .from(resourceSecrets)
        .where(and(eq(resourceSecrets.resourceId, resourceId), inArray(resourceSecrets.name, [...names])));
    },
    async names(resourceId) {
      const rows = await db
        .select({ name: resourceSecrets.name, updatedAt: resourceSecrets.updatedAt })
        .from(resourceSecrets)
        .where(eq(resourceSecrets.resourceId, resourceId))
        .orderBy(asc(resourceSecrets.name));
      return rows.map((r) => ({ name: r.name, updatedAt: isoRequired(r.updatedAt) }));
    },
  };
}
