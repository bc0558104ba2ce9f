import type Docker from 'dockerode';
import { statfs } from 'node:fs/promises';
import { BerthError } from '../../core/errors/berth-error.js';
import type { DiskUsage } from '../../ports/container-engine.js';
import { dockerError, engineCall } from './errors.js';

/**
 * Free space of the filesystem holding the engine's images: statfs of DockerRootDir, which only
 * means something when the engine runs on this host (the API itself reports no free space).
 */
export async function diskUsage(docker: Docker, local: boolean): Promise<DiskUsage> {
  if (!local) throw new BerthError('docker_error', 'Disk usage of a remote engine cannot be read from here.', { operation: 'diskUsage', reason: 'remote engine' });
  const info = (await engineCall('diskUsage', () => docker.info())) as { DockerRootDir?: string };
  const path = info.DockerRootDir || '/var/lib/docker';
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
