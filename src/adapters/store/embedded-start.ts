import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, type HeldLock } from './lockfile.js';
import { unpackTemplate } from './pglite-template.js';
import { pgliteWasm } from './pglite-wasm.js';

// The slow part of opening the embedded store on a first start: its data directory locked, the
// template unpacking (a worker thread) and PGlite's WASM compiling. `berth serve` begins it as it
// starts, so it goes on while the control plane's code loads; opening the store continues it.

export function pgliteDataDir(home: string): string {
  return join(home, 'pgdata');
}

export interface EmbeddedStart {
  lock: HeldLock;
  /** Settles once the data directory holds a cluster (or PGlite is left to run initdb). */
  unpacked: Promise<boolean>;
}

/** Starts begun ahead of opening the store, or the error that refused them, by data directory. */
const begun = new Map<string, EmbeddedStart | Error>();

/** Begins the embedded store's start for `home` now; its errors (state_store_locked...) are thrown when the store is opened. */
export function beginEmbeddedStart(home: string): void {
  const dataDir = pgliteDataDir(home);
  if (begun.has(dataDir)) return;
  try {
    begun.set(dataDir, begin(home));
  } catch (err) {
    begun.set(dataDir, err as Error);
  }
}

/** The start begun for `home`, or a new one; the caller owns its lock from here. */
export function takeEmbeddedStart(home: string): EmbeddedStart {
  const dataDir = pgliteDataDir(home);
  const early = begun.get(dataDir);
  begun.delete(dataDir);
  if (early instanceof Error) throw early;
  return early ?? begin(home);
}

function begin(home: string): EmbeddedStart {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const dataDir = pgliteDataDir(home);
  const lock = acquireLock(`${dataDir}.lock`);
  void pgliteWasm();
  const unpacked = unpackTemplate(dataDir);
  unpacked.catch(() => undefined); // awaited when the store opens; not unhandled before
  return { lock, unpacked };
}
