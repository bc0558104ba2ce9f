import type Docker from 'dockerode';
import { PassThrough, type Readable } from 'node:stream';
import { engineCall } from './errors.js';

// Without a TTY the engine multiplexes stdout and stderr in frames: 1 byte stream type,
// 3 bytes padding, 4 bytes big-endian length, then the payload.

/** The payloads of a multiplexed buffer, in order; a buffer that is not framed is returned as is. */
export function demultiplex(buf: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const type = buf[at];
    if (type !== 0 && type !== 1 && type !== 2) return buf.toString('utf8'); // TTY: raw
    const size = buf.readUInt32BE(at + 4);
    parts.push(buf.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  if (at < buf.length && parts.length === 0) return buf.toString('utf8');
  return Buffer.concat(parts).toString('utf8');
}

/** The last `lines` lines of stdout and stderr, interleaved as the engine recorded them. */
export async function logsTail(docker: Docker, id: string, lines: number): Promise<string> {
  const raw = await engineCall('logsTail', () => docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false, tail: lines }));
  // dockerode parses a body that happens to be JSON (possible only with a TTY): undo that.
  const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(typeof raw === 'string' ? raw : JSON.stringify(raw));
  return demultiplex(buf);
}

/**
 * stdout and stderr as one stream, from the container's first line (nothing a fresh container
 * printed is lost) or from the last `tail` lines, then live; it ends when the container stops or
 * the signal aborts.
 */
export async function followLogs(docker: Docker, id: string, signal: AbortSignal, opts: { tail?: number } = {}): Promise<Readable> {
  const out = new PassThrough();
  if (signal.aborted) {
    out.end();
    return out;
  }
  const source = (await engineCall('followLogs', () =>
    docker.getContainer(id).logs({ stdout: true, stderr: true, follow: true, ...(opts.tail !== undefined ? { tail: opts.tail } : {}) }),
  )) as unknown as Readable;
  const stop = () => {
    source.destroy();
    out.end();
  };
  signal.addEventListener('abort', stop, { once: true });
  source.on('end', stop);
  source.on('close', stop);
  source.on('error', stop);
  out.on('close', () => signal.removeEventListener('abort', stop));
  docker.modem.demuxStream(source, out, out);
  return out;
}
