import type Docker from 'dockerode';
import { statSync } from 'node:fs';
import { BerthError } from '../../core/errors/berth-error.js';
import type { BuildRequest, BuiltImage } from '../../ports/container-engine.js';
import { INLINE_DOCKERFILE, packContext } from './build-context.js';
import { dockerError, engineCall } from './errors.js';
import { followJsonStream, StreamAborted, type ProgressMessage } from './json-stream.js';

const LOG_TAIL_LINES = 20;

/** Build arguments may be secrets: their values never reach onLog or error details. */
function masker(buildArgs: Record<string, string> | undefined): (line: string) => string {
  const values = Object.values(buildArgs ?? {}).filter((v) => v.length >= 4);
  if (values.length === 0) return (line) => line;
  return (line) => values.reduce((acc, v) => acc.split(v).join('[redacted]'), line);
}

/** What the progress stream told us, kept while following it. */
class BuildProgress {
  readonly tail: string[] = [];
  step: string | null = null;
  imageId: string | undefined;
  /** Set when the stream reported an error; exitCode is the failed RUN's, when there was one. */
  error: { exitCode: number | null } | undefined;

  constructor(
    private readonly mask: (line: string) => string,
    private readonly onLog?: (line: string) => void,
  ) {}

  line(raw: string): void {
    const line = this.mask(raw.replace(/\s+$/, ''));
    if (!line) return;
    // Classic builder: "Step 2/3 : RUN make" opens each instruction.
    const step = /^Step \d+\/\d+ : (.*)$/.exec(line);
    if (step) this.step = step[1] ?? null;
    this.tail.push(line);
    if (this.tail.length > LOG_TAIL_LINES) this.tail.shift();
    this.onLog?.(line);
  }

  message(m: ProgressMessage): void {
    if (m.aux?.ID) this.imageId = m.aux.ID;
    if (m.stream) for (const l of m.stream.split('\n')) this.line(l);
    if (m.status) this.line([m.id, m.status, m.progress].filter(Boolean).join(' '));
    if (m.error) {
      this.line(m.error);
      this.error = { exitCode: typeof m.errorDetail?.code === 'number' ? m.errorDetail.code : null };
    }
  }

  failure(message: string, extra: Record<string, unknown> = {}): BerthError {
    return new BerthError('image_build_failed', message, { step: this.step, exitCode: this.error?.exitCode ?? null, logTail: this.tail.join('\n'), ...extra });
  }
}

/** Aborting keeps the caller's reason when it is a Berth error (deadline, cancel). */
function abortError(signal: AbortSignal | undefined, progress: BuildProgress): BerthError {
  const reason: unknown = signal?.reason;
  return reason instanceof BerthError ? reason : progress.failure('The build was aborted.', { reason: 'aborted' });
}

/** The context is the caller's input: an unreadable one is a failed build, not an engine fault. */
function contextFailure(progress: BuildProgress, err: NodeJS.ErrnoException): BerthError {
  return new BerthError('image_build_failed', 'The build context could not be read.', { step: 'context', exitCode: null, logTail: progress.tail.join('\n'), reason: err.code ?? 'unreadable' });
}

export async function buildImage(docker: Docker, req: BuildRequest): Promise<BuiltImage> {
  const progress = new BuildProgress(masker(req.buildArgs), req.onLog);
  if (req.signal?.aborted) throw abortError(req.signal, progress);
  try {
    if (!statSync(req.contextDir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    throw contextFailure(progress, err as NodeJS.ErrnoException);
  }
  const inline = 'text' in req.dockerfile ? req.dockerfile.text : undefined;
  const dockerfile = 'path' in req.dockerfile ? req.dockerfile.path : INLINE_DOCKERFILE;
  const context = packContext({ contextDir: req.contextDir, dockerfilePath: dockerfile, inlineDockerfile: inline, ...(req.exclude ? { exclude: req.exclude } : {}) });
  let packError: NodeJS.ErrnoException | undefined;
  // Only file-system errors (they carry a path) are the context's; a failed upload surfaces here too.
  context.on('error', (err: NodeJS.ErrnoException) => (packError = err.path ? err : packError));

  let stream: NodeJS.ReadableStream;
  try {
    stream = await engineCall(
      'build',
      () =>
        docker.buildImage(context, {
          t: req.tag,
          dockerfile,
          labels: req.labels,
          buildargs: req.buildArgs ?? {},
          ...(req.target ? { target: req.target } : {}),
          rm: true,
          forcerm: true,
          abortSignal: req.signal,
        } as Docker.ImageBuildOptions),
      (refusal) => {
        if (req.signal?.aborted) return abortError(req.signal, progress);
        // Refused before any output (missing Dockerfile, bad option): the build itself failed.
        progress.line(refusal.reason);
        return progress.failure('The engine refused the build.');
      },
    );
  } catch (err) {
    context.destroy();
    throw packError ? contextFailure(progress, packError) : err;
  }

  try {
    await followJsonStream(stream, (m) => progress.message(m), req.signal);
  } catch (err) {
    if (err instanceof StreamAborted || req.signal?.aborted) throw abortError(req.signal, progress);
    throw packError ? contextFailure(progress, packError) : dockerError('build', err);
  }
  if (progress.error) throw progress.failure('A build step failed.');

  const imageId = progress.imageId ?? (await engineCall('build', async () => ((await docker.getImage(req.tag).inspect()) as { Id: string }).Id));
  return { imageId, tag: req.tag };
}
