import type { ErrorObject } from '../../core/errors/types.js';
import type { NextAction } from '../../core/recovery/readiness.js';
import { formatDuration } from './progress-display.js';

// The end of a followed attempt. Success: the URL, the total time, the next useful command.
// Anything else: the status, then (after the error with its code and remedies) the recovery
// command that recovery readiness allows now, or why none is, and a safe command to look closer.

export interface AttemptStatus {
  id: string;
  resourceId: string;
  status: string;
  currentPhase: string;
  accessUrl: string | null;
  error?: ErrorObject;
  recoveryHint: string | null;
}

interface Verdict {
  allowed: boolean;
  reasons: string[];
}

export interface ReadinessView {
  actions: { retry: Verdict; redeploy: Verdict; rollback: Verdict; cancel: Verdict };
  nextActions: NextAction[];
}

/** Recovery actions in the order they are offered: the same snapshot, the current profile, an earlier version. */
const RECOVERY_ORDER = ['retry', 'redeploy', 'rollback'] as const;

export interface Recovery {
  action: (typeof RECOVERY_ORDER)[number];
  command: string;
}

export interface Ending {
  /** Lines for stdout, before the error (human form). */
  out: string[];
  /** Lines for stderr, before the error. */
  err: string[];
  /** Lines for stderr, after the error. */
  after: string[];
  /** The `end` object of the --json progress lines. */
  json: Record<string, unknown>;
}

export function recoveryCommand(status: AttemptStatus, readiness: ReadinessView): Recovery | null {
  const action = RECOVERY_ORDER.find((a) => readiness.actions[a].allowed);
  if (!action) return null;
  const command = action === 'retry' ? `berth deployment retry ${status.id}` : action === 'redeploy' ? `berth resource redeploy ${status.resourceId}` : `berth deployment rollback ${status.id}`;
  return { action, command };
}

export function attemptEnding(status: AttemptStatus, readiness: ReadinessView | undefined, time: { attemptMs: number | null; elapsedMs: number }): Ending {
  const timing = { durationMs: time.attemptMs, elapsedMs: time.elapsedMs };
  if (status.status === 'succeeded') {
    const next = `berth resource logs ${status.resourceId} --follow`;
    return {
      out: [`live at ${status.accessUrl} in ${formatDuration(time.elapsedMs)}`, `next: ${next}`],
      err: [],
      after: [],
      json: { kind: 'end', status: status.status, accessUrl: status.accessUrl, ...timing, next },
    };
  }
  const recovery = readiness ? recoveryCommand(status, readiness) : null;
  const blocked = readiness && !recovery ? Object.fromEntries(RECOVERY_ORDER.map((a) => [a, readiness.actions[a].reasons])) : undefined;
  const inspect = readiness?.nextActions[0]?.command ?? `berth deployment show ${status.id}`;
  const after = [
    recovery ? `recover: ${recovery.command}` : `recover: nothing allowed now (${RECOVERY_ORDER.map((a) => `${a}: ${blocked?.[a]?.join(', ') || 'unknown'}`).join('; ')})`,
    `inspect: ${inspect}`,
  ];
  return {
    out: [],
    err: [`deployment ${status.id} ended ${status.status} in phase ${status.currentPhase} after ${formatDuration(time.elapsedMs)}${status.recoveryHint ? `: ${status.recoveryHint}` : ''}`],
    after,
    json: { kind: 'end', status: status.status, phase: status.currentPhase, code: status.error?.code ?? null, ...timing, recovery, ...(blocked ? { blocked } : {}), inspect },
  };
}
