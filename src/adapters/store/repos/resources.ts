import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { Resource } from '../../../core/model/records.js';
import type { ResourcesRepo } from '../../../ports/store.js';
import type { Db } from '../db.js';
import { isoRequired } from '../db.js';
import { resources } from '../schema.js';

const toResource = (r: typeof resources.$inferSelect): Resource => ({
  id: r.id,
  projectId: r.projectId,
  environmentId: r.environmentId,
  name: r.name,
  source: (r.source ?? null) as Resource['source'],
  runtime: r.runtime as Resource['runtime'],
  build: r.build as Resource['build'],
  network: r.network as Resource['network'],
  health: r.health as Resource['health'],
  access: r.access as Resource['access'],
  secretNames: r.secretNames as string[],
  createdAt: isoRequired(r.createdAt),
  updatedAt: isoRequired(r.updatedAt),
});

export function resourcesRepo(db: Db): ResourcesRepo {
  return {
    async create(r) {
      await db.insert(resources).values(r);
    },
    async update(r) {
      await db.update(resources).set(r).where(eq(resources.id, r.id));
    },
    async get(id) {
      const [row] = await db.select().from(resources).where(eq(resources.id, id));
      return row && toResource(row);
    },
    async findByName(environmentId, name) {
      const [row] = await db.select().from(resources).where(and(eq(resources.environmentId, environmentId), eq(resources.name, name)));
      return row && toResource(row);
    },
    async list(filter = {}) {
      const conds: SQL[] = [];
      if (filter.environmentId) conds.push(eq(resources.environmentId, filter.environmentId));
      if (filter.projectId) conds.push(eq(resources.projectId, filter.projectId));
      const rows = await db.select().from(resources).where(and(...conds)).orderBy(asc(resources.id));
      return rows.map(toResource);
    },
  };
}
