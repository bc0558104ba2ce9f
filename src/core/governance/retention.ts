// Retention defaults are policy records: the default window of each governed
// history category and what future scheduled retention may request. They never delete anything;
// manual prunes still take an explicit cutoff.

export const RETENTION_SCOPES = ['system'] as const;
export type RetentionScope = (typeof RETENTION_SCOPES)[number];

export const RETENTION_CATEGORIES = ['audit-events', 'provider-job-logs', 'domain-events', 'work-items', 'runtime-monitoring-samples'] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

/** What a future scheduler may do with the window: nothing, report (dry-run), or delete. */
export const RETENTION_SCHEDULES = ['none', 'dry-run', 'destructive'] as const;
export type RetentionSchedule = (typeof RETENTION_SCHEDULES)[number];

export interface RetentionDefault {
  scope: RetentionScope;
  category: RetentionCategory;
  retentionDays: number;
  schedule: RetentionSchedule;
  updatedAt: string;
  updatedBy: string;
}
