import { BerthError } from '../../core/errors/berth-error.js';
import { sleep } from '../../core/time/delay.js';
import { tryPidLock, type PidLock } from '../../platform/pid-lock.js';

// Two control planes racing to start the proxy would spawn duplicates that fight over ports and
// pid files, and two route changes racing would lose one in the routes file: every change to the
// proxy of a home runs under one pid-file lock (platform/pid-lock.ts). A live holder is waited
// for up to the timeout, then the change fails proxy_unavailable: its lock is never taken.

// Adapters in one process share the lock file's pid, so they queue in memory first.
const queues = new Map<string, Promise<unknown>>();

export function withProxyLock<T>(file: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(file) ?? Promise.resolve()).catch(() => undefined).then(() => withFileLock(file, timeoutMs, fn));
  queues.set(file, run);
  return run;
}

async function withFileLock<T>(file: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lock: PidLock;
  for (;;) {
    const got = tryPidLock(file);
    if (got.acquired) {
      lock = got;
      break;
    }
    if (Date.now() >= deadline) {
      throw new BerthError('proxy_unavailable', 'Another process holds the edge proxy lock.', { reason: 'proxy-lock-held', lockFile: file, holderPid: got.holderPid, waitedMs: timeoutMs });
    }
    await sleep(50);
  }
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
