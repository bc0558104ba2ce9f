import { fail } from '../core/errors/berth-error.js';
import type { AuditEventType } from '../core/audit/event-types.js';
import type { Actor } from '../core/model/records.js';
import type { StoreRepos } from '../ports/store.js';

/** Names are unique per scope: a taken one is name_conflict, pointing at the existing object. */
export function assertNameFree(kind: string, name: string, existing: { id: string } | undefined): void {
  if (existing) fail('name_conflict', `A ${kind} with this name exists in this scope.`, { kind, name, existingId: existing.id });
}

/** Inserts a new aggregate and its audit event in the caller's transaction. */
export async function insertAudited<T extends { id: string }>(
  tx: StoreRepos,
  actor: Actor,
  event: { type: AuditEventType; aggregateType: string },
  record: T,
  insert: (record: T) => Promise<void>,
): Promise<T> {
  await insert(record);
  await tx.audit.append({ type: event.type, aggregateType: event.aggregateType, aggregateId: record.id, actor, payload: record });
  return record;
}
