import type { PlanWarning } from '../../core/plan/plan.js';
import { blocked, readText } from './context.js';

// package.json as the node planner reads it: only the fields it looks at, each checked for its
// type where it is used (a hand-written package.json may hold anything).

export interface PackageJson {
  main?: unknown;
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
  engines?: Record<string, unknown>;
  packageManager?: unknown;
  workspaces?: unknown;
}

export async function readPackageJson(dir: string): Promise<PackageJson> {
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

/** A script's text, when package.json defines it as a string. */
export function script(pkg: PackageJson, name: string): string | undefined {
  const s = pkg.scripts?.[name];
  return typeof s === 'string' ? s : undefined;
}

/** Whether the package depends on name (dependencies or devDependencies). */
export function hasDep(pkg: PackageJson, name: string): boolean {
  return isRecord(pkg.dependencies) && name in pkg.dependencies || isRecord(pkg.devDependencies) && name in pkg.devDependencies;
}

export function dependencyCount(pkg: PackageJson): number {
  return (isRecord(pkg.dependencies) ? Object.keys(pkg.dependencies).length : 0) + (isRecord(pkg.devDependencies) ? Object.keys(pkg.devDependencies).length : 0);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Collects the node planner's coded warnings; each message also goes to the plain list. */
export class Warnings {
  readonly coded: PlanWarning[] = [];
  add(reasonCode: string, field: string, message: string): void {
    this.coded.push({ reasonCode, field, message });
  }
  get messages(): string[] {
    return this.coded.map((w) => w.message);
  }
}
