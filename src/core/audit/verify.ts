import { chainHash, GENESIS_HASH, type ChainedContent } from './chain.js';

// Verifying the audit chain. Each row must hash to its stored hash (else it was altered) and
// link to the row before it (else a row was removed). A prune removes rows on purpose: it
// records each contiguous run it deleted as a gap (the prev hash entering the run and the hash
// of its last row), so the walk can cross exactly those runs and no other hole.

export interface ChainRow extends ChainedContent {
  seq: number;
  prevHash: string;
  hash: string;
}

export interface PruneGap {
  fromSeq: number;
  throughSeq: number;
  /** prev_hash of the first deleted row of the run. */
  firstPrevHash: string;
  /** hash of the last deleted row of the run. */
  lastHash: string;
}

export type ChainBreakReason = 'row-altered' | 'previous-row-missing';

export interface ChainBreak {
  seq: number;
  id: string;
  reason: ChainBreakReason;
}

export function chainContent(row: ChainRow): ChainedContent {
  const { id, aggregateType, aggregateId, type, actor, createdAt, payload, redactedFields } = row;
  return { id, aggregateType, aggregateId, type, actor, createdAt, payload, redactedFields };
}

/** Walks rows in seq order; `next` answers the first break, after which the walk stops. */
export class ChainVerifier {
  private expected = GENESIS_HASH;
  private lastSeq = 0;
  private readonly gapsFrom = new Map<string, PruneGap>();
  checked = 0;
  crossedGaps = 0;

  constructor(gaps: readonly PruneGap[]) {
    for (const g of gaps) this.gapsFrom.set(g.firstPrevHash, g);
  }

  next(row: ChainRow): ChainBreak | null {
    if (chainHash(row.prevHash, chainContent(row)) !== row.hash) return { seq: row.seq, id: row.id, reason: 'row-altered' };
    let expected = this.expected;
    let after = this.lastSeq;
    let crossed = 0;
    // Hop over recorded prune runs that lie between the previous row and this one; seq only
    // grows along the hops, so a forged cycle cannot loop.
    while (row.prevHash !== expected) {
      const gap = this.gapsFrom.get(expected);
      if (!gap || gap.fromSeq <= after || gap.throughSeq >= row.seq) return { seq: row.seq, id: row.id, reason: 'previous-row-missing' };
      expected = gap.lastHash;
      after = gap.throughSeq;
      crossed++;
    }
    this.expected = row.hash;
    this.lastSeq = row.seq;
    this.checked++;
    this.crossedGaps += crossed;
    return null;
  }
}
