import type { Deployment, RuntimeRecord } from '../../core/deployments/deployment.js';
import type { Plan } from '../../core/plan/plan.js';
import type { Targets } from '../../ports/deploy-runtime.js';
import type { HttpProber } from '../../ports/http-prober.js';
import type { SecretResolver } from '../../ports/secrets.js';
import type { MaterializedSource, Planner, SourceReader } from '../../ports/sources.js';
import type { Store } from '../../ports/store.js';
import type { TargetLease } from '../servers/target-lock.js';
import type { AttemptContext } from './attempt-context.js';
import type { AttemptJournal } from './journal.js';
import type { EngineSettings } from './settings.js';

export interface RunnerDeps {
  store: Store;
  targets: Targets;
  sources: SourceReader;
  planner: Planner;
  prober: HttpProber;
  settings: EngineSettings;
  /** Identifies this control plane in `owner` (pid@host). */
  owner: string;
  log: (msg: string, err?: unknown) => void;
  /** Opens the resource's secrets into the container environment, and nowhere else. */
  secrets: SecretResolver;
}

/**
 * One attempt as its phases advance it. Each phase fills in what it made, so the failure path
 * (fail-phase.ts) knows exactly what exists when anything throws.
 */
export interface Attempt {
  readonly id: string;
  /** The row as this runner last moved it (currentPhase kept in step with the store). */
  d: Deployment;
  readonly journal: AttemptJournal;
  readonly signal: AbortSignal;
  /** Ends the attempt with this error from outside its steps (its server lock was lost). */
  readonly abort: (reason: unknown) => void;
  /** Target, route and the version serving before this one; absent when it could not be resolved. */
  ctx?: AttemptContext;
  source?: MaterializedSource;
  plan?: Plan;
  /** Known as soon as the first container exists. */
  runtime?: RuntimeRecord;
  /** The route points at this attempt's containers. */
  switched: boolean;
  /** The target's mutation lock (an SSH server's state-root lock), held from execute to the end. */
  lease?: TargetLease;
}
