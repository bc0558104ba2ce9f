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

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
