import type Docker from 'dockerode';
import { BerthError } from '../../core/errors/berth-error.js';
import { sleep } from '../../core/time/delay.js';
import type { PullRequest } from '../../ports/container-engine.js';
import { dockerError, isUnreachable, refusalOf, safeReason } from './errors.js';
import { followJsonStream, StreamAborted, type ProgressMessage } from './json-stream.js';
import { imageIdOf } from './images.js';

export const DEFAULT_PULL_ATTEMPTS = 3;
export const DEFAULT_PULL_BASE_DELAY_MS = 500;

/** An attempt failed: the engine refused the pull, or the registry error came in-stream. */
class AttemptFailed extends Error {}

/** A status line worth a log line: not the repeated byte counts of a layer in progress. */
const statusLine = (m: ProgressMessage): string | undefined => (m.status && !m.progress ? `${m.id ? `${m.id}: ` : ''}${m.status}` : undefined);

async function attemptPull(docker: Docker, image: string, signal?: AbortSignal, onLog?: (line: string) => void): Promise<void> {
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.pull(image, { abortSignal: signal });
  } catch (err) {
    if (signal?.aborted) throw new StreamAborted();
    if (isUnreachable(err)) throw err;
    throw new AttemptFailed(refusalOf(err).reason);
  }
  let inStreamError: string | undefined;
  await followJsonStream(
    stream,
    (m) => {
      inStreamError = m.error ?? inStreamError;
      const line = onLog && statusLine(m);
      if (line) onLog(line);
    },
    signal,
  );
  if (inStreamError) throw new AttemptFailed(safeReason(inStreamError));
}

/**
 * Pulls with bounded retries and exponential backoff (base, 2×base, 4×base...). A stopped
 * engine is not a registry problem: it fails at once with docker_error.
 */
export async function pullImage(docker: Docker, req: PullRequest, baseDelayMs = DEFAULT_PULL_BASE_DELAY_MS): Promise<{ imageId: string }> {
  const maxAttempts = Math.max(1, req.maxAttempts ?? DEFAULT_PULL_ATTEMPTS);
  const aborted = (attempt: number) => {
    const reason: unknown = req.signal?.reason;
    return reason instanceof BerthError ? reason : new BerthError('image_pull_failed', 'The pull was aborted.', { image: req.image, attempt, nextRetryAt: null, reason: 'aborted' });
  };
  for (let attempt = 1; ; attempt++) {
    try {
      await attemptPull(docker, req.image, req.signal, req.onLog);
      const imageId = await imageIdOf(docker, req.image, 'pull');
      if (imageId) return { imageId };
      throw new AttemptFailed('image missing after pull');
    } catch (err) {
      if (err instanceof BerthError) throw err;
      if (err instanceof StreamAborted || req.signal?.aborted) throw aborted(attempt);
      if (!(err instanceof AttemptFailed)) throw dockerError('pull', err);
      const last = attempt >= maxAttempts;
      const nextRetryAt = last ? null : new Date(Date.now() + baseDelayMs * 2 ** (attempt - 1)).toISOString();
      req.onAttempt?.(attempt, nextRetryAt, err.message);
      if (last) throw new BerthError('image_pull_failed', `The image could not be pulled after ${attempt} attempts.`, { image: req.image, attempt, nextRetryAt: null, reason: err.message });
      try {
        await sleep(baseDelayMs * 2 ** (attempt - 1), req.signal);
      } catch {
        throw aborted(attempt);
      }
    }
  }
}
