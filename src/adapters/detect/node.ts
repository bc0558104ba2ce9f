import type { Evidence, Plan } from '../../core/plan/plan.js';
import type { PlanRequest } from '../../ports/sources.js';
import { blocked, explicit, isFile, readText, requireDir, singleServicePlan } from './context.js';
import { nodeDockerfile } from './dockerfile-text.js';

// A Node.js app described by package.json, built on Berth's node base image. Explicit runtime
// commands and network.internalPort win over everything inferred here.

export const NODE_DEFAULT_PORT = 3000;

type PackageManager = 'npm' | 'yarn' | 'pnpm';

/** Lockfile -> package manager, npm first when several are present. */
const LOCKFILES: [string, PackageManager][] = [['package-lock.json', 'npm'], ['pnpm-lock.yaml', 'pnpm'], ['yarn.lock', 'yarn']];

// The base image ships node and npm only: yarn and pnpm run through npx, hence best-effort.
const FROZEN_INSTALL: Record<PackageManager, string> = {
  npm: 'npm ci',
  yarn: 'npx --yes yarn@1 install --frozen-lockfile',
  pnpm: 'npx --yes pnpm@9 install --frozen-lockfile',
};

interface PackageJson {
  main?: unknown;
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
}

export async function planNode(req: PlanRequest): Promise<Plan> {
  const dir = requireDir(req, 'node');
  const pkg = await readPackageJson(dir);
  const evidence: Evidence[] = [{ kind: 'file', detail: 'package.json' }];
  const { runtime } = req;

  const warnings: string[] = [];
  const found: [string, PackageManager][] = [];
  for (const [file, pm] of LOCKFILES) if (await isFile(dir, file)) found.push([file, pm]);
  const [lockfile, manager] = found[0] ?? [undefined, 'npm' as const];
  if (lockfile) evidence.push({ kind: 'lockfile', detail: lockfile });
  if (found.length > 1) warnings.push(`Several lockfiles (${found.map(([f]) => f).join(', ')}): ${lockfile} is used.`);
  const hasDeps = Object.keys(pkg.dependencies ?? {}).length + Object.keys(pkg.devDependencies ?? {}).length > 0;

  // An explicit empty command means "no such step".
  let install: string | undefined;
  if (runtime.installCommand !== undefined) {
    install = runtime.installCommand;
    evidence.push(explicit('runtime.installCommand'));
  } else if (hasDeps) {
    install = lockfile ? FROZEN_INSTALL[manager] : 'npm install';
  }
  let build: string | undefined;
  if (runtime.buildCommand !== undefined) {
    build = runtime.buildCommand;
    evidence.push(explicit('runtime.buildCommand'));
  } else if (typeof pkg.scripts?.build === 'string') {
    build = 'npm run build';
    evidence.push({ kind: 'script', detail: 'scripts.build' });
  }

  const start = runtime.startCommand || (await inferStart(dir, pkg, evidence));
  if (runtime.startCommand) evidence.push(explicit('runtime.startCommand'));
  if (!start) {
    throw blocked('node_start_missing', 'package.json has no start script and there is no main, server.js or index.js to run.', {
      evidence: [...evidence, { kind: 'missing', detail: 'scripts.start' }, { kind: 'missing', detail: 'server.js' }, { kind: 'missing', detail: 'index.js' }],
      fixPath: 'package.json',
      overridePath: 'runtime.startCommand',
      profileField: 'runtime.startCommand',
    });
  }

  const port = req.network.internalPort ?? NODE_DEFAULT_PORT;
  evidence.push(req.network.internalPort !== undefined ? explicit('network.internalPort') : { kind: 'default', detail: `internalPort ${NODE_DEFAULT_PORT}` });
  const commands = { ...(install ? { install } : {}), ...(build ? { build } : {}), start };
  return singleServicePlan(req, {
    planner: 'node',
    supportTier: manager === 'npm' ? 'supported' : 'best-effort',
    evidence,
    commands,
    build: { kind: 'generated', contextDir: dir, dockerfileText: nodeDockerfile({ ...commands, port }) },
    internalPort: port,
    env: { PORT: String(port) },
    warnings,
  });
}

async function readPackageJson(dir: string): Promise<PackageJson> {
  const text = await readText(dir, 'package.json');
  const at = { fixPath: 'package.json', overridePath: 'runtime.method', profileField: 'runtime.method' };
  if (text === undefined) throw blocked('node_package_json_missing', 'The node planner needs a package.json.', { evidence: [{ kind: 'missing', detail: 'package.json' }], ...at });
  try {
    const pkg: unknown = JSON.parse(text);
    if (pkg !== null && typeof pkg === 'object' && !Array.isArray(pkg)) return pkg as PackageJson;
  } catch {
    // reported below
  }
  throw blocked('package_json_invalid', 'package.json is not a JSON object.', { evidence: [{ kind: 'file', detail: 'package.json' }], ...at });
}

/** scripts.start, else `node` on main (when it exists or a build will produce it), server.js, index.js. */
async function inferStart(dir: string, pkg: PackageJson, evidence: Evidence[]): Promise<string | undefined> {
  if (typeof pkg.scripts?.start === 'string') {
    evidence.push({ kind: 'script', detail: 'scripts.start' });
    return 'npm start';
  }
  const main = typeof pkg.main === 'string' && pkg.main !== '' ? pkg.main : undefined;
  if (main && ((await isFile(dir, main)) || typeof pkg.scripts?.build === 'string')) {
    evidence.push({ kind: 'config', detail: 'package.json main' });
    return `node ${shellQuote(main)}`;
  }
  for (const entry of ['server.js', 'index.js']) {
    if (await isFile(dir, entry)) {
      evidence.push({ kind: 'file', detail: entry });
      return `node ${entry}`;
    }
  }
  return undefined;
}

function shellQuote(word: string): string {
  return /^[\w./@-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
