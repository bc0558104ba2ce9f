import { BerthError } from '../../core/errors/berth-error.js';
import type { Evidence, PlannerName } from '../../core/plan/plan.js';
import type { PlanRequest } from '../../ports/sources.js';
import { explicit, isFile } from './context.js';
import { DEFAULT_DOCKERFILE } from './dockerfile.js';
import { hasNodeApp } from './node.js';
import { findStaticRoot, STATIC_ROOTS } from './static.js';

// Which planner runs. An explicit runtime.method wins; so do explicit runtime.image and
// runtime.dockerfile. Otherwise the source decides, most specific evidence first: a compose
// source, an image source, a Dockerfile (the user already said how to build), package.json
// (sources win over build output), then a static index.html.

export interface PlannerChoice {
  planner: PlannerName;
  evidence: Evidence[];
}

export async function choosePlanner(req: PlanRequest): Promise<PlannerChoice> {
  const { runtime, source } = req;
  if (runtime.method !== 'auto') return { planner: runtime.method, evidence: [explicit('runtime.method')] };
  if (req.composeDocument !== undefined || source.summary.kind === 'compose' || source.composeFile) return { planner: 'compose', evidence: [] };
  if (runtime.image || source.summary.kind === 'image') return { planner: 'image', evidence: [] };
  if (runtime.dockerfile) return { planner: 'dockerfile', evidence: [] };
  const dir = source.dir;
  if (dir && (await isFile(dir, DEFAULT_DOCKERFILE))) return { planner: 'dockerfile', evidence: [] };
  // package.json wins over an index.html (a stale build output beside the sources), unless it
  // holds nothing to build or run.
  const staticRoot = dir ? await findStaticRoot(dir) : undefined;
  if (dir && (await isFile(dir, 'package.json')) && (staticRoot === undefined || (await hasNodeApp(req, dir)))) return { planner: 'node', evidence: [] };
  if (staticRoot !== undefined) return { planner: 'static', evidence: [] };
  const lookedFor = [DEFAULT_DOCKERFILE, 'package.json', ...STATIC_ROOTS.map((r) => (r === '' ? 'index.html' : `${r}/index.html`))];
  throw new BerthError('app_type_undetected', 'No Dockerfile, package.json or index.html in the source, and runtime.method is auto.', {
    evidence: lookedFor.map((detail) => ({ kind: 'missing', detail })),
    fixPath: '.',
    overridePath: 'runtime.method',
    profileField: 'runtime',
  });
}
