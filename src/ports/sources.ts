import type { BuildProfile, HealthProfile, NetworkProfile, RuntimeProfile, SourceProfile } from '../core/model/profiles.js';
import type { Plan } from '../core/plan/plan.js';

// Reading a source and turning it into a plan. Both are read-only: they never touch the
// container engine or the proxy (plan preview relies on that).

/** Safe summary of what was read, shown in status responses. */
export interface SourceSummary {
  kind: SourceProfile['kind'];
  /** Location with credentials stripped. */
  location: string;
  gitRef?: string;
  /** Resolved commit for git sources: the snapshot pins it. */
  commit?: string;
  baseDirectory?: string;
  /** Image reference for image sources. */
  image?: string;
}

export interface MaterializedSource {
  summary: SourceSummary;
  /** Directory holding the app (after baseDirectory), absent for image sources. */
  dir?: string;
  /** Compose file path inside dir, for compose sources. */
  composeFile?: string;
  /** Things read but not acted on (e.g. a baseDirectory on an image source). */
  warnings?: string[];
  /** Removes any temporary copy (git checkout, extracted zip). */
  dispose(): Promise<void>;
}

export interface SourceReader {
  /** Resolves and copies/extracts the source into a private work directory under workRoot. */
  materialize(source: SourceProfile, workRoot: string): Promise<MaterializedSource>;
}

export interface PlanRequest {
  source: MaterializedSource;
  runtime: RuntimeProfile;
  network: NetworkProfile;
  health: HealthProfile;
  /** The resource's build profile (berth.yml `build`); absent means the defaults. */
  build?: BuildProfile;
  /** Compose document already folded by the client (env_file resolved), when the client sent one. */
  composeDocument?: string;
  /** Host ports the edge proxy listens on, which no compose service may publish (the planner fills it). */
  edgePorts?: readonly number[];
}

export interface Planner {
  /** Throws a BerthError (app_type_undetected, plan_blocked, internal_port_missing, compose codes) when blocked. */
  plan(req: PlanRequest): Promise<Plan>;
}
