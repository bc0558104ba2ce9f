import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/** A drizzle database or transaction over either backend. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = PgDatabase<PgQueryResultHKT, any>;

/** Timestamps are stored as timestamptz and handed out as ISO strings in UTC. */
export function iso(value: string | Date | null): string | null {
  if (value === null) return null;
  return new Date(value).toISOString();
}

export function isoRequired(value: string | Date): string {
  return new Date(value).toISOString();
}
