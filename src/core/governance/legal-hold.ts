// A legal hold keeps an aggregate's audit rows through destructive prunes until released.
// It is a retention blocker, not an archive: holds never copy or freeze anything.

export const LEGAL_HOLD_STATUSES = ['active', 'released'] as const;
export type LegalHoldStatus = (typeof LEGAL_HOLD_STATUSES)[number];

export interface LegalHold {
  id: string;
  aggregateId: string;
  reason: string;
  status: LegalHoldStatus;
  createdAt: string;
  createdBy: string;
  releasedAt: string | null;
  releasedBy: string | null;
  releaseReason: string | null;
}
