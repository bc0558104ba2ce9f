import type Docker from 'dockerode';
import { statfs } from 'node:fs/promises';
import { BerthError } from '../../core/errors/berth-error.js';
import type { DiskUsage } from '../../ports/container-engine.js';
import { dockerError, engineCall } from './errors.js';

/** statfs(2) of a path on the engine's host: this machine's, or a server's over SFTP. */
export type HostStatfs = (path: string) => Promise<Omit<DiskUsage, 'path'>>;

/**
 * Free space of the filesystem holding the engine's images: statfs of DockerRootDir on the
 * engine's host (the API itself reports no free space). Without `hostStatfs`, only an engine on
 * this host can be measured.
 */
export async function diskUsage(docker: Docker, local: boolean, hostStatfs?: HostStatfs): Promise<DiskUsage> {
  if (!local && !hostStatfs) throw new BerthError('docker_error', 'Disk usage of a remote engine cannot be read from here.', { operation: 'diskUsage', reason: 'remote engine' });
  const info = (await engineCall('diskUsage', () => docker.info())) as { DockerRootDir?: string };
  const path = info.DockerRootDir || '/var/lib/docker';
  if (hostStatfs) {
    try {
      return { path, ...(await hostStatfs(path)) };
    } catch (err) {
      throw dockerError('diskUsage', err);
    }
  }
  try {
    const s = await statfs(path);
    return {
      path,
      // bavail, not bfree: blocks reserved for root are not space a build can count on.
      freeBytes: s.bavail * s.bsize,
      totalBytes: s.blocks * s.bsize,
      freeInodes: s.files > 0 ? s.ffree : null,
      totalInodes: s.files > 0 ? s.files : null,
    };
  } catch (err) {
    throw dockerError('diskUsage', err);
  }
}
