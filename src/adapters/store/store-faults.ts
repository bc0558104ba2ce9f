import { BerthError } from '../../core/errors/berth-error.js';
import type { Store, StoreRepos } from '../../ports/store.js';

// The store's own faults, told apart from bugs: a full disk, a server that went away. Drivers
// and the query builder wrap the original error, so the cause chain is searched.

const DISK_FULL = new Set(['53100', 'ENOSPC']);
// Connection refused or lost, server shutting down or starting up (SQLSTATE class 08 and 57P0x).
const CONNECTION = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
const CONNECTION_LOST = /Connection terminated|Client has encountered a connection error/;

function codesOf(err: unknown): { codes: string[]; lost: boolean } {
  const codes: string[] = [];
  let lost = false;
  for (let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') codes.push(e.code);
    if (typeof e.message === 'string' && CONNECTION_LOST.test(e.message)) lost = true;
  }
  return { codes, lost };
}

/** The catalogued error for a store fault, or undefined when the error is something else. */
export function storeFault(err: unknown, backend: Store['backend']): BerthError | undefined {
  if (err instanceof BerthError) return undefined;
  const { codes, lost } = codesOf(err);
  const disk = codes.find((c) => DISK_FULL.has(c));
  if (disk) return new BerthError('state_store_full', 'The state store refused a write: its disk is full.', { backend, reason: disk });
  const connection = codes.find((c) => CONNECTION.has(c)) ?? (lost ? 'connection-lost' : undefined);
  if (connection) return new BerthError('state_store_unavailable', 'The state store could not be reached.', { backend, reason: connection }, 'execute');
  return undefined;
}

const guard =
  <A extends unknown[], R>(fn: (...args: A) => Promise<R>, backend: Store['backend']) =>
  async (...args: A): Promise<R> => {
    try {
      return await fn(...args);
    } catch (err) {
      throw storeFault(err, backend) ?? err;
    }
  };

/** Every repository method, with store faults raised as catalogued errors. */
export function guardRepos<T extends StoreRepos>(repos: T, backend: Store['backend']): T {
  const out: Record<string, unknown> = {};
  for (const [name, repo] of Object.entries(repos)) {
    if (!repo || typeof repo !== 'object') {
      out[name] = repo;
      continue;
    }
    const methods: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(repo as Record<string, unknown>)) {
      methods[key] = typeof value === 'function' ? guard(value.bind(repo) as (...a: unknown[]) => Promise<unknown>, backend) : value;
    }
    out[name] = methods;
  }
  return out as T;
}

export { guard as guardStoreCall };
