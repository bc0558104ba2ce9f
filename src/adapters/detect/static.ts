import { BASE_IMAGES, STATIC_INTERNAL_PORT } from '../../core/plan/base-images.js';
import type { Plan } from '../../core/plan/plan.js';
import type { PlanRequest } from '../../ports/sources.js';
import { blocked, isFile, requireDir, singleServicePlan, unusedCommands } from './context.js';

// A prebuilt static site: Berth's static server serves the folder holding index.html. Sites
// that need a build step have a package.json and go to the node planner instead.

/** Where index.html is looked for, in order: the root, then the usual build output folders. */
export const STATIC_ROOTS = ['', 'dist', 'public', 'build'] as const;

export async function findStaticRoot(dir: string): Promise<string | undefined> {
  for (const root of STATIC_ROOTS) if (await isFile(dir, root === '' ? 'index.html' : `${root}/index.html`)) return root;
  return undefined;
}

export async function planStatic(req: PlanRequest): Promise<Plan> {
  const dir = requireDir(req, 'static');
  const root = await findStaticRoot(dir);
  if (root === undefined) {
    throw blocked('static_index_missing', 'No index.html at the root or in dist/, public/ or build/.', {
      evidence: STATIC_ROOTS.map((r) => ({ kind: 'missing', detail: r === '' ? 'index.html' : `${r}/index.html` })),
      fixPath: 'index.html',
      overridePath: 'runtime.method',
      profileField: 'runtime.method',
    });
  }
  const warnings = unusedCommands(req, ['installCommand', 'buildCommand', 'startCommand'], 'static');
  // The static server's port is fixed by the base image; routing elsewhere would never answer.
  if (req.network.internalPort !== undefined && req.network.internalPort !== STATIC_INTERNAL_PORT) {
    warnings.push(`network.internalPort is ignored: the static server listens on ${STATIC_INTERNAL_PORT}.`);
  }
  return singleServicePlan(req, {
    planner: 'static',
    supportTier: 'supported',
    evidence: [{ kind: 'file', detail: root === '' ? 'index.html' : `${root}/index.html` }],
    build: { kind: 'generated', contextDir: dir, dockerfileText: `FROM ${BASE_IMAGES.static}\nCOPY ${root === '' ? '.' : root} /srv\n` },
    internalPort: STATIC_INTERNAL_PORT,
    warnings,
  });
}
