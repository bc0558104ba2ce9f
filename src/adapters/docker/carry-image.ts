import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { BerthError } from '../../core/errors/berth-error.js';
import { dockerError, engineCall } from './errors.js';
import { imageIdOf } from './images.js';
import { followJsonStream } from './json-stream.js';

// An image the control plane's engine holds, carried to a server's engine as `docker save |
// docker load` would, through both Engine APIs: the tarball streams as it is read, so a server
// needs no registry and nothing lands on the control plane's disk.

/** The image id on `to`, or undefined when `from` does not hold `ref`. */
export async function carryImage(from: Docker, to: Docker, ref: string, signal?: AbortSignal): Promise<string | undefined> {
  if (!(await imageIdOf(from, ref))) return undefined;
  const tar = (await engineCall('saveImage', () => from.getImage(ref).get())) as unknown as Readable;
  const abort = () => tar.destroy();
  signal?.addEventListener('abort', abort, { once: true });
  try {
    const answer = await engineCall('loadImage', () => to.loadImage(tar, { quiet: true }));
    let error: string | undefined;
    try {
      await followJsonStream(answer, (m) => void (m.error && (error = m.error)), signal);
    } catch (err) {
      throw dockerError('loadImage', err);
    }
    if (error) throw new BerthError('docker_error', 'The server engine refused the carried image.', { operation: 'loadImage', reason: error.slice(0, 500) });
  } finally {
    signal?.removeEventListener('abort', abort);
    tar.destroy();
  }
  return imageIdOf(to, ref);
}
