import { readdir } from 'node:fs/promises';
import semver from 'semver';
import type { Evidence, PackageManagerName, SupportTier } from '../../core/plan/plan.js';
import { blocked, inside, isFile, readText } from './context.js';
import { type PackageJson, type Warnings, dependencyCount } from './node-package.js';

// The package manager, its lockfile and the files its install reads. package.json
// `packageManager` (what corepack runs) wins over lockfiles; yarn and pnpm always run through
// corepack, which the node images carry.
//
// Support tier: a frozen install from a lockfile is supported for every manager when its
// version is known (packageManager, or yarn classic, whose only line is 1.x; or berry with a
// committed yarnPath release). An unfrozen install (no lockfile), or a pnpm/berry install whose
// version corepack has to guess, is best-effort.

export interface PackageManagerChoice {
  name: PackageManagerName;
  version?: string;
  berry?: boolean;
  /** Yarn berry with Plug'n'Play (nodeLinker pnp, yarn 2+'s default): no node_modules, `.pnp.cjs` resolves. */
  pnp?: boolean;
  lockfile?: string;
  installFiles: string[];
  /** Undefined when the package has no dependencies. */
  install?: string;
  tier: SupportTier;
  evidence: Evidence[];
}

/** Lockfile -> package manager, in the order they are preferred when several are present. */
const LOCKFILES: [string, PackageManagerName][] = [
  ['npm-shrinkwrap.json', 'npm'], // npm reads it instead of package-lock.json
  ['package-lock.json', 'npm'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
];

/** Config files the installs read, when present. */
const CONFIG_FILES = ['.npmrc', '.yarnrc', '.yarnrc.yml', 'pnpm-workspace.yaml', '.pnpmfile.cjs'];
/** Folders the installs read: yarn's committed release and plugins, yarn/pnpm/patch-package patches. */
const CONFIG_DIRS = ['.yarn/releases', '.yarn/plugins', '.yarn/patches', 'patches'];
/** Bound on files taken from CONFIG_DIRS, so a huge folder cannot stall planning. */
const MAX_DIR_FILES = 2000;

const COREPACK_MANAGERS = ['npm', 'yarn', 'pnpm'];

/** `name@version[+hash]` from package.json packageManager. */
export function parsePackageManagerField(value: string): { name: string; version: string; hash?: string } | undefined {
  const m = /^([a-z][a-z0-9-]*)@([^+\s]+)(?:\+(\S+))?$/.exec(value.trim());
  if (!m) return undefined;
  return { name: m[1] ?? '', version: m[2] ?? '', ...(m[3] ? { hash: m[3] } : {}) };
}

export async function choosePackageManager(dir: string, pkg: PackageJson, warnings: Warnings): Promise<PackageManagerChoice> {
  const evidence: Evidence[] = [];
  const declared = await declaredManager(pkg, warnings, evidence);

  const found: [string, PackageManagerName][] = [];
  for (const [file, pm] of LOCKFILES) if (await isFile(dir, file)) found.push([file, pm]);
  let name: PackageManagerName;
  let lockfile: string | undefined;
  if (declared) {
    name = declared.name;
    lockfile = found.find(([, pm]) => pm === name)?.[0];
    const others = found.filter(([, pm]) => pm !== name).map(([f]) => f);
    if (!lockfile && others.length) {
      warnings.add('package_manager_lockfile_mismatch', 'package.json packageManager', `package.json packageManager names ${name}, but the only lockfiles are ${others.join(', ')}: ${name} installs without a lockfile.`);
    }
  } else {
    [lockfile, name] = found[0] ?? [undefined, 'npm'];
    const managers = new Set(found.map(([, pm]) => pm));
    if (managers.size > 1) warnings.add('lockfile_multiple', lockfile ?? '', `Several lockfiles (${found.map(([f]) => f).join(', ')}): ${lockfile} is used.`);
  }
  if (lockfile) evidence.push({ kind: 'lockfile', detail: lockfile });

  let berry: boolean | undefined;
  let pinned = declared !== undefined || name === 'npm';
  if (name === 'yarn') {
    if (declared) berry = semver.major(declared.version) >= 2;
    else if (lockfile && /^__metadata:/m.test((await readText(dir, lockfile)) ?? '')) {
      berry = true;
      evidence.push({ kind: 'lockfile', detail: `${lockfile} __metadata` });
    } else if (await isFile(dir, '.yarnrc.yml')) {
      berry = true;
      evidence.push({ kind: 'file', detail: '.yarnrc.yml' });
    } else berry = false;
    // Berry without packageManager runs through yarn classic, which hands over to a committed yarnPath release.
    if (!declared) pinned = !berry || /^yarnPath:/m.test((await readText(dir, '.yarnrc.yml')) ?? '');
  }
  const pnp = berry === true && (await yarnLinker(dir)) === 'pnp';
  if (pnp) evidence.push({ kind: 'config', detail: '.yarnrc.yml nodeLinker pnp' });
  const hasDeps = dependencyCount(pkg) > 0;
  if (hasDeps && !pinned) {
    warnings.add('package_manager_version_unpinned', 'package.json packageManager', `No package.json packageManager says which ${name} version to run: corepack picks its default, which may not match the lockfile.`);
  }

  await warnWorkspaces(dir, pkg, warnings);
  const frozen = lockfile !== undefined;
  if (hasDeps && !frozen) {
    warnings.add('install_not_frozen', 'package.json', `No lockfile: the ${name} install resolves versions afresh on every build. Commit the lockfile for repeatable installs.`);
  }
  return {
    name,
    ...(declared ? { version: declared.version } : {}),
    ...(berry !== undefined ? { berry } : {}),
    ...(pnp ? { pnp } : {}),
    ...(lockfile ? { lockfile } : {}),
    installFiles: await installFiles(dir, lockfile),
    ...(hasDeps ? { install: installCommand(name, berry ?? false, frozen) } : {}),
    tier: !hasDeps || (frozen && pinned) ? 'supported' : 'best-effort',
    evidence,
  };
}

/** Yarn berry's linker: .yarnrc.yml nodeLinker, else its default, pnp. */
async function yarnLinker(dir: string): Promise<string> {
  const m = /^nodeLinker:[ \t]*["']?([\w-]+)["']?[ \t]*(?:#.*)?$/m.exec((await readText(dir, '.yarnrc.yml')) ?? '');
  return m?.[1] ?? 'pnp';
}

/**
 * Under Plug'n'Play only yarn itself (`corepack yarn run`, `yarn node`) puts the `.pnp.cjs`
 * resolver in node's way: a start command that runs node directly cannot load a dependency.
 * Berth's own start commands for yarn go through `corepack yarn`; any other one is best-effort.
 */
export function pnpStartWarning(pm: Pick<PackageManagerChoice, 'pnp'>, start: string, warnings: Warnings): boolean {
  if (!pm.pnp || /^corepack yarn (run|node|exec)\b/.test(start.trim())) return false;
  warnings.add('yarn_pnp_best_effort', '.yarnrc.yml nodeLinker', `Yarn Plug'n'Play: the start command (${start}) does not run through corepack yarn, so node may not find the dependencies. Run it as a package.json script, or set nodeLinker: node-modules.`);
  return true;
}

async function declaredManager(pkg: PackageJson, warnings: Warnings, evidence: Evidence[]): Promise<{ name: PackageManagerName; version: string } | undefined> {
  if (pkg.packageManager === undefined) return undefined;
  const field = 'package.json packageManager';
  const parsed = typeof pkg.packageManager === 'string' ? parsePackageManagerField(pkg.packageManager) : undefined;
  if (parsed && !COREPACK_MANAGERS.includes(parsed.name)) {
    warnings.add('package_manager_unsupported', field, `package.json packageManager names ${parsed.name}, which Berth does not run: the lockfiles decide instead.`);
    return undefined;
  }
  // Corepack refuses anything but an exact version, so a yarn or pnpm install would fail.
  if (!parsed || semver.valid(parsed.version) === null) {
    if (parsed?.name === 'npm') {
      warnings.add('package_manager_invalid', field, 'package.json packageManager is not name@version with an exact version: it is ignored.');
      return undefined;
    }
    throw blocked('package_manager_invalid', 'package.json packageManager must be name@version with an exact version (e.g. pnpm@9.12.0), as corepack requires.', {
      evidence: [{ kind: 'config', detail: field }],
      fixPath: 'package.json',
      overridePath: 'runtime.installCommand',
      profileField: 'runtime.installCommand',
    });
  }
  evidence.push({ kind: 'config', detail: field });
  return { name: parsed.name as PackageManagerName, version: parsed.version };
}

async function warnWorkspaces(dir: string, pkg: PackageJson, warnings: Warnings): Promise<void> {
  const message = 'This package.json is a workspace root: Berth installs and builds it as one app, and workspace members are not planned separately.';
  if (pkg.workspaces !== undefined) warnings.add('workspaces_unsupported', 'package.json workspaces', message);
  else if (await isFile(dir, 'pnpm-workspace.yaml')) warnings.add('workspaces_unsupported', 'pnpm-workspace.yaml', message);
}

export function installCommand(name: PackageManagerName, berry: boolean, frozen: boolean): string {
  // The explicit "not frozen" flags matter: yarn berry and pnpm freeze by default when CI is set.
  if (name === 'npm') return frozen ? 'npm ci' : 'npm install';
  if (name === 'pnpm') return `corepack pnpm install ${frozen ? '--frozen-lockfile' : '--no-frozen-lockfile'}`;
  if (berry) return `corepack yarn install ${frozen ? '--immutable' : '--no-immutable'}`;
  return frozen ? 'corepack yarn install --frozen-lockfile' : 'corepack yarn install';
}

/** Runs a package.json script through the manager: `npm run build`, `corepack pnpm run build`. */
export function runScript(name: PackageManagerName, scriptName: string): string {
  if (name === 'npm') return scriptName === 'start' ? 'npm start' : `npm run ${scriptName}`;
  return `corepack ${name} run ${scriptName}`;
}

/** Runs a dependency's binary through the manager: `npm exec -- next start`. */
export function execBin(name: PackageManagerName, command: string): string {
  if (name === 'npm') return `npm exec -- ${command}`;
  return name === 'pnpm' ? `corepack pnpm exec ${command}` : `corepack yarn run ${command}`;
}

/** package.json, the lockfile and the install's config files that exist, relative to dir. */
async function installFiles(dir: string, lockfile: string | undefined): Promise<string[]> {
  const files = ['package.json', ...(lockfile ? [lockfile] : [])];
  for (const f of CONFIG_FILES) if (await isFile(dir, f)) files.push(f);
  const fromDirs: string[] = [];
  for (const d of CONFIG_DIRS) await walk(dir, d, fromDirs);
  return [...files, ...fromDirs.sort()];
}

/** Regular files under rel (symlinks are not followed), up to MAX_DIR_FILES in all. */
async function walk(dir: string, rel: string, out: string[]): Promise<void> {
  const abs = inside(dir, rel);
  if (abs === undefined) return;
  const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (out.length >= MAX_DIR_FILES) return;
    const child = `${rel}/${e.name}`;
    if (e.isFile()) out.push(child);
    else if (e.isDirectory()) await walk(dir, child, out);
  }
}
