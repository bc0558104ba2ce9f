import type Docker from 'dockerode';
import { PassThrough, type Duplex } from 'node:stream';
import { sleep } from '../../core/time/delay.js';
import { engineCall } from './errors.js';

// One command in a running container, its output collected: how Berth reads what a container
// of its own keeps where the engine's user, not the SSH user, can read it (a server's edge
// storage). Only for short reads: the output is held in memory.

export interface ExecOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `argv` in the running container as `user`; a stopped or missing container is docker_error. */
export async function execIn(docker: Docker, container: string, argv: string[], opts: { user?: string; timeoutMs: number }): Promise<ExecOutput> {
  const exec = await engineCall('exec', () => docker.getContainer(container).exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: false, ...(opts.user ? { User: opts.user } : {}) }));
  const stream = (await engineCall('exec', () => exec.start({ hijack: true, stdin: false }))) as unknown as Duplex;
  const collect = () => {
    const sink = new PassThrough();
    const chunks: Buffer[] = [];
    sink.on('data', (c: Buffer) => chunks.push(c));
    return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
  };
  const out = collect();
  const err = collect();
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const onTimeout = () => stream.destroy(Object.assign(new Error('exec timed out'), { code: 'ETIMEDOUT' }));
  timeout.addEventListener('abort', onTimeout, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', reject);
      docker.modem.demuxStream(stream, out.sink, err.sink);
    }).catch((e: unknown) => engineCall('exec', () => Promise.reject(e)));
  } finally {
    timeout.removeEventListener('abort', onTimeout);
    stream.destroy();
  }
  // The stream ends with the process; the engine records its exit a moment later.
  let info = await engineCall('exec', () => exec.inspect());
  for (let i = 0; i < 20 && info.Running; i++) {
    await sleep(25);
    info = await engineCall('exec', () => exec.inspect());
  }
  return { exitCode: info.Running ? -1 : (info.ExitCode ?? -1), stdout: out.text(), stderr: err.text() };
}
