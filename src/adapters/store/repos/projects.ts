import { and, asc, eq } from 'drizzle-orm';
import type { Environment, Project } from '../../../core/model/records.js';
import type { EnvironmentsRepo, ProjectsRepo } from '../../../ports/store.js';
import type { Db } from '../db.js';
import { isoRequired } from '../db.js';
import { environments, projects } from '../schema.js';

const toProject = (r: typeof projects.$inferSelect): Project => ({ id: r.id, name: r.name, createdAt: isoRequired(r.createdAt) });
const toEnvironment = (r: typeof environments.$inferSelect): Environment => ({
  id: r.id,
  projectId: r.projectId,
  name: r.name,
  createdAt: isoRequired(r.createdAt),
});

export function projectsRepo(db: Db): ProjectsRepo {
  return {
    async create(p) {
      await db.insert(projects).values(p);
    },
    async get(id) {
      const [row] = await db.select().from(projects).where(eq(projects.id, id));
      return row && toProject(row);
    },
    async findByName(name) {
      const [row] = await db.select().from(projects).where(eq(projects.name, name));
      return row && toProject(row);
    },
    async list() {
      return (await db.select().from(projects).orderBy(asc(projects.id))).map(toProject);
    },
  };
}

export function environmentsRepo(db: Db): EnvironmentsRepo {
  return {
    async create(e) {
      await db.insert(environments).values(e);
    },
    async get(id) {
      const [row] = await db.select().from(environments).where(eq(environments.id, id));
      return row && toEnvironment(row);
    },
    async findByName(projectId, name) {
      const [row] = await db.select().from(environments).where(and(eq(environments.projectId, projectId), eq(environments.name, name)));
      return row && toEnvironment(row);
    },
    async list(projectId) {
      const q = db.select().from(environments);
      const rows = await (projectId ? q.where(eq(environments.projectId, projectId)) : q).orderBy(asc(environments.id));
      return rows.map(toEnvironment);
    },
  };
}
