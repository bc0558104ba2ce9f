import { BerthError } from '../errors/berth-error.js';
import { scrubString } from '../diagnostics/copy-safe.js';
import { redact } from '../redaction/redact.js';

// The server-owned state root: its layout, the marker that names the layout's version, the
// journal's record, and how a failure to prepare it is reported.

export const DEFAULT_STATE_ROOT = '/var/lib/berth';

/** The directories under the state root; the journal is append-only. */
export const LAYOUT_DIRS = ['state', 'locks', 'backups', 'journal'] as const;

export const LAYOUT_MARKER = 'layout.json';
export const LAYOUT_VERSION = 1;
export const LOCK_FILE = 'locks/server.lock';
export const JOURNAL_FILE = 'journal/journal.jsonl';

/** Below these the root counts as full: a lock, a journal line and a backup must still fit. */
export const ROOT_MIN_FREE_BYTES = 1024 * 1024;
export const ROOT_MIN_FREE_INODES = 16;

export function layoutMarker(now: Date): string {
  return `${JSON.stringify({ format: 'berth-state-root', version: LAYOUT_VERSION, createdAt: now.toISOString() })}\n`;
}

export type MarkerVerdict = { kind: 'current' } | { kind: 'incompatible'; found: unknown };

/** A marker this version of Berth wrote; any other version (or foreign content) is incompatible. */
export function judgeMarker(text: string): MarkerVerdict {
  try {
    const v = JSON.parse(text) as { format?: unknown; version?: unknown };
    if (v.format === 'berth-state-root' && v.version === LAYOUT_VERSION) return { kind: 'current' };
    return { kind: 'incompatible', found: v.version ?? null };
  } catch {
    return { kind: 'incompatible', found: null };
  }
}

export const ROOT_FAILURE_REASONS = ['disk-full', 'inodes-exhausted', 'read-only', 'permission-denied', 'incompatible-layout', 'shell-failed'] as const;
export type RootFailureReason = (typeof ROOT_FAILURE_REASONS)[number];

/** Space and inode figures of the root's filesystem (statvfs), and whether it is mounted read-only. */
export interface RootCapacity {
  freeBytes: number;
  freeInodes: number;
  /** Zero total inodes: the filesystem does not count them (some report none). */
  totalInodes: number;
  readOnly: boolean;
}

/** The reason a capacity figure alone gives, before anything is written. */
export function capacityVerdict(c: RootCapacity): RootFailureReason | null {
  if (c.readOnly) return 'read-only';
  if (c.freeBytes < ROOT_MIN_FREE_BYTES) return 'disk-full';
  if (c.totalInodes > 0 && c.freeInodes < ROOT_MIN_FREE_INODES) return 'inodes-exhausted';
  return null;
}

export const STDERR_LIMIT = 2048;

/** Output of the server, made safe to show: credentials scrubbed, bounded to the last STDERR_LIMIT chars. */
export function boundStderr(text: string): string {
  const s = scrubString(text);
  return s.length > STDERR_LIMIT ? `…${s.slice(s.length - STDERR_LIMIT)}` : s;
}

export function rootFailure(x: { host: string; port: number; stateRoot: string; reason: RootFailureReason; stderr: string; exitCode?: number | null }): BerthError {
  return new BerthError(
    'infra_error',
    'The state root on the server could not be prepared.',
    {
      stateBackend: 'ssh',
      host: x.host,
      port: x.port,
      stateRoot: x.stateRoot,
      // SFTP has no exit code; a command run for a check would have one.
      exitCode: x.exitCode ?? null,
      reason: x.reason,
      stderr: boundStderr(x.stderr),
    },
    'remote-state-resolution',
  );
}

/** One journal line: a mutation applied to the server. */
export interface JournalRecord {
  at: string;
  owner: string;
  correlationId: string;
  kind: string;
  details: Record<string, unknown>;
}

export function journalLine(r: JournalRecord): string {
  return `${JSON.stringify({ ...r, details: redact(r.details).value })}\n`;
}
