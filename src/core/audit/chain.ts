import { createHash } from 'node:crypto';

// Audit rows are hash-chained: each row's hash covers its content and the previous row's hash,
// so altering or removing a row breaks every hash after it.

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedContent {
  id: string;
  aggregateType: string;
  aggregateId: string;
  type: string;
  actor: string;
  createdAt: string;
  payload: unknown;
  redactedFields: string[];
}

/** JSON with object keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function chainHash(prevHash: string, content: ChainedContent): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(content)).digest('hex');
}
