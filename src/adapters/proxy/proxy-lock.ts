import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { processAlive } from '../../platform/process-alive.js';

// Two control planes racing to start the proxy would spawn duplicates that fight over ports and
// pid files, and two route changes racing would lose one in the routes file: every change to the
// proxy of a home runs under one lock file holding the owner's pid.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Adapters in one process share the lock file's pid, so they queue in memory first.
const queues = new Map<string, Promise<unknown>>();

export function withProxyLock<T>(file: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(file) ?? Promise.resolve()).catch(() => undefined).then(() => withFileLock(file, timeoutMs, fn));
  queues.set(file, run);
  return run;
}

async function withFileLock<T>(file: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readIfExists(file));
      // A holder that died leaves a stale lock; a live one that overstays is not waited on forever.
      // An empty file is a holder between create and write, unless it has stayed empty.
      const stale = holder ? !processAlive(holder) : ageMs(file) > 1_000;
      if (stale || Date.now() > deadline) rmSync(file, { force: true });
      else await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    if (readIfExists(file) === String(process.pid)) rmSync(file, { force: true });
  }
}

function readIfExists(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
