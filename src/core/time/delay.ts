/**
 * The one pause in Berth: waits `ms`, or rejects with the signal's reason as soon as it aborts
 * (a loop that should just end on abort catches it). The abort listener is removed when the timer
 * fires, so a long poll loop leaves none behind.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The pauses of a poll that should notice a change soon after it happens: the first wait is
 * `firstMs`, each next one doubles, up to `maxMs` (the poll's own interval). A fixed interval
 * would make every answer wait up to a whole interval after it became true.
 */
export function* ramp(maxMs: number, firstMs = 25): Generator<number, never> {
  let ms = Math.min(firstMs, maxMs);
  for (;;) {
    yield ms;
    ms = Math.min(ms * 2, maxMs);
  }
}
