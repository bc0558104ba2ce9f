import type Docker from 'dockerode';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { PassThrough, type Duplex } from 'node:stream';
import { BerthError } from '../../core/errors/berth-error.js';
import type { CommitRequest, TaskFile, TaskRequest, TaskResult } from '../../ports/container-engine.js';
import { sleep } from '../../core/time/delay.js';
import { engineCall } from './errors.js';
import { header } from './secret-files.js';

// One-off containers that run to their end (a dependency install): files put in before start,
// input on stdin (so it is in no container config and no image), output streamed line by line,
// committed when asked and it succeeded, and always removed.

/** Regular files under contextDir at these relative paths (directories walked); others skipped. */
export async function readContextFiles(contextDir: string, paths: readonly string[]): Promise<TaskFile[]> {
  const out = new Map<string, TaskFile>();
  const visit = async (rel: string): Promise<void> => {
    const stat = await lstat(`${contextDir}/${rel}`).catch(() => undefined);
    if (!stat) return; // missing: the planner lists every file an install may read
    if (stat.isDirectory()) {
      for (const entry of (await readdir(`${contextDir}/${rel}`)).sort()) await visit(`${rel}/${entry}`);
    } else if (stat.isFile()) {
      out.set(rel, { path: rel, content: await readFile(`${contextDir}/${rel}`), mode: stat.mode & 0o777 });
    }
  };
  for (const p of paths) {
    const rel = posix.normalize(p.replace(/\\/g, '/')).replace(/^\/+|\/+$/g, '');
    if (!rel || rel === '.' || rel === '..' || rel.startsWith('../')) continue; // never outside the context
    await visit(rel);
  }
  return [...out.values()];
}

/** A tar of the files under `dir` (extracted at "/"; the engine creates the folders). */
export function filesTar(dir: string, files: readonly TaskFile[]): Buffer {
  const base = dir.replace(/^\/+|\/+$/g, '');
  const blocks: Buffer[] = [];
  for (const f of files) {
    const body = Buffer.from(f.content);
    blocks.push(header(base ? `${base}/${f.path}` : f.path, body.length, f.mode, 0, 0), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** Splits a byte stream into lines for onLog; the last partial line comes out at the end. */
function lineSink(onLog: ((line: string) => void) | undefined): PassThrough {
  const sink = new PassThrough();
  let rest = '';
  sink.setEncoding('utf8');
  sink.on('data', (chunk: string) => {
    const parts = (rest + chunk).split(/\r?\n|\r/);
    rest = parts.pop() ?? '';
    for (const p of parts) onLog?.(p);
  });
  sink.on('end', () => rest && onLog?.(rest));
  return sink;
}

const abortReason = (signal: AbortSignal): BerthError => {
  const reason: unknown = signal.reason;
  return reason instanceof BerthError ? reason : new BerthError('step_deadline_exceeded', 'The task was aborted.', { step: 'task', deadlineSeconds: null });
};

export async function runTask(docker: Docker, req: TaskRequest): Promise<TaskResult> {
  if (req.signal?.aborted) throw abortReason(req.signal);
  const container = await engineCall('runTask', () =>
    docker.createContainer({
      name: req.name,
      Image: req.image,
      Cmd: req.command,
      WorkingDir: req.workingDir,
      Labels: req.labels,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      OpenStdin: true,
      StdinOnce: true,
      Tty: false,
      HostConfig: { AutoRemove: false },
    }),
  );
  const remove = () => container.remove({ force: true }).catch(() => undefined);
  let stream: Duplex | undefined;
  // Force-removal kills the process too.
  const onAbort = () => {
    stream?.destroy();
    void remove();
  };
  try {
    if (req.files.length) await engineCall('runTask', () => container.putArchive(filesTar(req.workingDir, req.files), { path: '/' }));
    // Attached before start, so no output is lost; stdin stays open until the process read it.
    stream = (await engineCall('runTask', () => container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }))) as unknown as Duplex;
    const out = lineSink(req.onLog);
    const err = lineSink(req.onLog);
    const ended = new Promise<void>((resolve) => {
      stream!.once('end', resolve);
      stream!.once('close', resolve);
      stream!.once('error', () => resolve());
    });
    docker.modem.demuxStream(stream, out, err);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    // Waited for before start: the default condition (not-running) is met by a created container.
    const exited = container.wait({ condition: 'next-exit' });
    await engineCall('runTask', () => container.start());
    if (req.stdin !== undefined) stream.write(req.stdin);
    const result = (await engineCall('runTask', () => exited)) as { StatusCode: number };
    // The engine closes the attach stream once the process ended; wait briefly for the last lines.
    await Promise.race([ended, sleep(2000)]);
    out.end();
    err.end();
    if (req.signal?.aborted) throw abortReason(req.signal);
    if (result.StatusCode !== 0 || !req.commit) return { exitCode: result.StatusCode };
    return { exitCode: 0, imageId: await commitContainer(docker, container.id, req.commit) };
  } catch (e) {
    if (req.signal?.aborted) throw abortReason(req.signal);
    throw e;
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
    stream?.destroy();
    await remove();
  }
}

/** Commits with the container's environment and working directory; the task's command is replaced. */
async function commitContainer(docker: Docker, containerId: string, req: CommitRequest): Promise<string> {
  const colon = req.tag.lastIndexOf(':');
  const [repo, tag] = colon > req.tag.lastIndexOf('/') ? [req.tag.slice(0, colon), req.tag.slice(colon + 1)] : [req.tag, 'latest'];
  const res = (await engineCall('commit', () =>
    // The body is merged over the container's own config by the engine: Env and WorkingDir stay.
    docker.getContainer(containerId).commit({ _query: { container: containerId, repo, tag, pause: false }, _body: { Cmd: req.cmd, Labels: req.labels } }),
  )) as { Id: string };
  return res.Id;
}
