import { toBerthError } from '../errors/berth-error.js';
import { newId } from '../ids/ids.js';
import { redact } from '../redaction/redact.js';
import type { WorkKind, WorkRecord } from './work-item.js';

// Recording background work in the ledger. Engine and main code call trackWork around a run;
// the sink is the store's work repo (`store.work`), injected so this stays free of I/O.

export interface WorkSink {
  /** Inserts the item, or replaces it when its id exists (a run reports start, then end). */
  record(item: WorkRecord): Promise<void>;
}

export interface WorkSpec {
  /** A caller that must name the item before it exists (to return it) passes its id. */
  id?: string;
  kind: WorkKind;
  phase?: string | null;
  resourceId?: string | null;
  serverId?: string | null;
  deploymentId?: string | null;
  certificateId?: string | null;
  details?: Record<string, unknown>;
}

export interface TrackOptions<T> {
  /**
   * For frequent runs (the reconciler ticks every few seconds): record nothing at start, and on
   * success only when this says the run did something. Failures are always recorded.
   */
  recordSuccessIf?: (result: T) => boolean;
  /** Safe facts about the result to keep on the item (counts, ids). */
  detailsOf?: (result: T) => Record<string, unknown>;
  now?: () => Date;
}

/** Runs fn as one work item: `running`, then `succeeded` or `failed` with a catalogued code. */
export async function trackWork<T>(sink: WorkSink, spec: WorkSpec, fn: () => Promise<T>, opts: TrackOptions<T> = {}): Promise<T> {
  const now = opts.now ?? (() => new Date());
  const started = now();
  const base: WorkRecord = {
    id: spec.id ?? newId('work', started.getTime()),
    kind: spec.kind,
    status: 'running',
    phase: spec.phase ?? null,
    resourceId: spec.resourceId ?? null,
    serverId: spec.serverId ?? null,
    deploymentId: spec.deploymentId ?? null,
    certificateId: spec.certificateId ?? null,
    error: null,
    details: redact(spec.details ?? {}).value,
    createdAt: started.toISOString(),
    updatedAt: started.toISOString(),
    finishedAt: null,
  };
  const quiet = opts.recordSuccessIf !== undefined;
  if (!quiet) await sink.record(base);
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    const at = now().toISOString();
    await sink.record({ ...base, status: 'failed', error: toBerthError(err, base.id).toObject(), updatedAt: at, finishedAt: at }).catch(() => undefined);
    throw err;
  }
  if (!quiet || opts.recordSuccessIf!(result)) {
    const at = now().toISOString();
    const details = opts.detailsOf ? redact({ ...base.details, ...opts.detailsOf(result) }).value : base.details;
    await sink.record({ ...base, status: 'succeeded', details, updatedAt: at, finishedAt: at });
  }
  return result;
}
