import type { Actor } from '../../core/model/records.js';
import { lockRecoveryFacts } from '../../core/remote-state/lock.js';
import type { RecoveredLock } from '../../ports/remote-state.js';
import type { Store } from '../../ports/store.js';

/**
 * The audit event of a recovered stale lock, the same whether `remote-state lock recover-stale`
 * or a deploy waiting for the lock recovered it: the work item that did it is named in it.
 */
export async function auditLockRecovery(store: Store, x: { serverId: string; actor: Actor; workId: string; stateRoot: string; recovered: RecoveredLock }): Promise<void> {
  await store.audit.append({
    type: 'remote-state.lock-recovered',
    aggregateType: 'server',
    aggregateId: x.serverId,
    actor: x.actor,
    payload: { workId: x.workId, ...lockRecoveryFacts({ stateRoot: x.stateRoot, ...x.recovered }) },
  });
}
