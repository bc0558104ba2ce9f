import type { JournalEvent } from '../../core/deployments/deployment.js';
import type { JournalRepo } from '../../ports/store.js';

const PAGE = 500;
/** A journal longer than this is summarised by its newest events after a bounded read. */
const MAX_PAGES = 40;

/** The newest `n` events of a journal from `from` (its pruned watermark), oldest first; `truncated` when older ones exist or were pruned. */
export async function journalTail(journal: JournalRepo, deploymentId: string, n: number, from = 0): Promise<{ events: JournalEvent[]; truncated: boolean }> {
  let cursor = from;
  let kept: JournalEvent[] = [];
  let seen = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const events = await journal.after(deploymentId, cursor, PAGE);
    seen += events.length;
    kept = [...kept, ...events].slice(-n);
    if (events.length < PAGE) break;
    cursor = events[events.length - 1]!.seq;
  }
  return { events: kept, truncated: seen > kept.length || from > 0 };
}
