import { buildProfile, healthProfile, networkProfile, runtimeProfile, type SourceProfile } from '../../../src/core/model/profiles.js';
import type { NodeBuildPlan, Plan } from '../../../src/core/plan/plan.js';
import type { PlanRequest } from '../../../src/ports/sources.js';
import { tempDir, writeTree } from '../sources/fs-fixtures.js';

// Plan requests over a folder written for the test, with profiles parsed like the API would.

export interface RequestOptions {
  kind?: SourceProfile['kind'];
  runtime?: Record<string, unknown>;
  network?: Record<string, unknown>;
  health?: Record<string, unknown>;
  build?: Record<string, unknown>;
  composeFile?: string;
  composeDocument?: string;
  image?: string;
}

export function request(dir: string | undefined, o: RequestOptions = {}): PlanRequest {
  const kind = o.kind ?? 'folder';
  return {
    source: {
      summary: { kind, location: o.image ?? dir ?? '', ...(o.image ? { image: o.image } : {}) },
      ...(dir ? { dir } : {}),
      ...(o.composeFile ? { composeFile: o.composeFile } : {}),
      dispose: () => Promise.resolve(),
    },
    runtime: runtimeProfile.parse(o.runtime ?? {}),
    network: networkProfile.parse(o.network ?? {}),
    health: healthProfile.parse(o.health ?? {}),
    ...(o.build ? { build: buildProfile.parse(o.build) } : {}),
    ...(o.composeDocument !== undefined ? { composeDocument: o.composeDocument } : {}),
  };
}

/** A source folder with these files. */
export function app(files: Record<string, string>): string {
  return writeTree(tempDir('plan-src'), files);
}

/** The node build of a one-service plan (fails the test when it is another kind). */
export function nodeBuild(plan: Plan): NodeBuildPlan {
  const build = plan.services[0]?.build;
  if (build?.kind !== 'node') throw new Error(`expected a node build, got ${build?.kind}`);
  return build;
}
