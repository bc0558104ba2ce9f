import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import type { HealthProfile } from '../../core/model/profiles.js';
import type { BuildPlan, Evidence, HealthCheckPlan, Plan, PlannerName, SupportTier } from '../../core/plan/plan.js';
import type { PlanRequest } from '../../ports/sources.js';

// What every planner shares: reading files of the materialised source (read-only, never
// outside it), blocked-plan errors that say where to fix, and the single-service plan shape.

export type PlanFn = (req: PlanRequest) => Promise<Plan>;

/** Absolute path of rel inside dir, or undefined when rel climbs out of it. */
export function inside(dir: string, rel: string): string | undefined {
  const abs = resolve(dir, rel);
  const back = relative(dir, abs);
  return back === '' || (!back.startsWith('..') && !isAbsolute(back)) ? abs : undefined;
}

export async function isFile(dir: string, rel: string): Promise<boolean> {
  const abs = inside(dir, rel);
  return abs !== undefined && (await stat(abs).then((s) => s.isFile(), () => false));
}

/** File text, or undefined when it does not exist (or is outside dir). */
export async function readText(dir: string, rel: string): Promise<string | undefined> {
  const abs = inside(dir, rel);
  if (abs === undefined) return undefined;
  return readFile(abs, 'utf8').catch(() => undefined);
}

export interface BlockedAt {
  evidence: Evidence[];
  /** Where in the source to fix it (a file, or "." for the source root). */
  fixPath: string;
  /** The profile field that overrides the inference. */
  overridePath: string;
  profileField?: string;
}

export function blocked(reasonCode: string, message: string, at: BlockedAt): BerthError {
  return new BerthError('plan_blocked', message, { reasonCode, ...at });
}

export function portMissing(evidence: Evidence[]): BerthError {
  return new BerthError('internal_port_missing', 'The app is an HTTP service but no internal port is known: set network.internalPort.', {
    profileField: 'network.internalPort',
    overridePath: 'network.internalPort',
    evidence,
  });
}

/** Planners that build from files need a directory; an image source has none. */
export function requireDir(req: PlanRequest, planner: PlannerName): string {
  if (req.source.dir) return req.source.dir;
  throw blocked('source_has_no_files', `The ${planner} planner needs source files, but this source is an image.`, {
    evidence: [{ kind: 'source', detail: req.source.summary.kind }],
    fixPath: '.',
    overridePath: 'runtime.method',
    profileField: 'runtime.method',
  });
}

export function healthPlan(health: HealthProfile): HealthCheckPlan {
  return {
    path: health.path ?? '/',
    ...(health.expectStatus !== undefined ? { expectStatus: health.expectStatus } : {}),
    timeoutSeconds: health.timeoutSeconds ?? 30,
    intervalMs: health.intervalMs ?? 500,
  };
}

export const explicit = (field: string): Evidence => ({ kind: 'explicit', detail: field });

/** The name of the one service of non-compose plans. */
export const WEB_SERVICE = 'web';

export interface SingleService {
  planner: PlannerName;
  supportTier: SupportTier;
  evidence: Evidence[];
  commands?: Plan['commands'];
  build: BuildPlan;
  internalPort: number;
  env?: Record<string, string>;
  command?: string[];
  warnings?: string[];
}

export function singleServicePlan(req: PlanRequest, s: SingleService): Plan {
  const { memoryMb, cpus } = req.runtime;
  return {
    planner: s.planner,
    supportTier: s.supportTier,
    artifactKind: 'image',
    evidence: s.evidence,
    commands: s.commands ?? {},
    services: [{
      name: WEB_SERVICE,
      build: s.build,
      ...(s.command ? { command: s.command } : {}),
      ...(s.env ? { env: s.env } : {}),
      internalPort: s.internalPort,
      ...(memoryMb !== undefined ? { memoryMb } : {}),
      ...(cpus !== undefined ? { cpus } : {}),
    }],
    routedService: WEB_SERVICE,
    internalPort: s.internalPort,
    health: healthPlan(req.health),
    networks: [],
    warnings: s.warnings ?? [],
  };
}

/** Warnings for explicit runtime commands a planner cannot use, so they are not silently dropped. */
export function unusedCommands(req: PlanRequest, fields: ('installCommand' | 'buildCommand' | 'startCommand')[], planner: PlannerName): string[] {
  return fields.filter((f) => req.runtime[f] !== undefined).map((f) => `runtime.${f} is ignored by the ${planner} planner.`);
}
