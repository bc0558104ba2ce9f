import { BerthError } from '../../core/errors/berth-error.js';

/**
 * Runs one step under a deadline and the attempt's abort signal. The step receives a signal
 * that fires on either, so engine calls stop instead of running on in the background.
 */
export async function withDeadline<T>(step: string, seconds: number, attempt: AbortSignal, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), seconds * 1000);
  const signal = AbortSignal.any([attempt, deadline.signal]);
  try {
    return await Promise.race([
      fn(signal),
      new Promise<never>((_, reject) => {
        const onAbort = () => reject(attempt.aborted ? attempt.reason : new BerthError('step_deadline_exceeded', `Step ${step} overran its deadline.`, { step, deadlineSeconds: seconds }));
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The reason an attempt is aborted with when a user cancels it. */
export class CancelRequested extends Error {
  constructor() {
    super('cancel requested');
    this.name = 'CancelRequested';
  }
}

/** The one pause (core/time/delay.ts), re-exported for the engine's steps. */
export { sleep } from '../../core/time/delay.js';

/** Runs checks side by side; the first failure stops the others (no polling left behind). */
export async function allOrAbort(parent: AbortSignal, checks: ((signal: AbortSignal) => Promise<unknown>)[]): Promise<void> {
  const local = new AbortController();
  const signal = AbortSignal.any([parent, local.signal]);
  try {
    await Promise.all(checks.map((check) => check(signal)));
  } finally {
    local.abort();
  }
}
