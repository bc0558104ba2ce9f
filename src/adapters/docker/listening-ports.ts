import { readFile } from 'node:fs/promises';
import { listeningSockets } from '../../platform/proc-net-tcp.js';

// /proc/<pid>/net/tcp shows the sockets of that process's network namespace, so the host (as
// root) sees what listens inside a container without exec'ing into it — which works even for
// images that ship no shell.

/**
 * Docker's embedded DNS resolver listens on 127.0.0.11 at a random TCP port inside every
 * container on a user-defined network: that is the engine's socket, not the app's.
 */
const DOCKER_DNS = '0B00007F';

/** Local ports in LISTEN state from the text of /proc/net/tcp or tcp6. */
export function parseProcNetTcp(text: string): number[] {
  return listeningSockets(text)
    .filter((s) => s.address !== DOCKER_DNS && Number.isInteger(s.port))
    .map((s) => s.port);
}

/** Sorted distinct listening ports of a process's namespace; undefined when /proc cannot be read. */
export async function listeningPortsOfPid(pid: number, procRoot = '/proc'): Promise<number[] | undefined> {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const read = (file: string) => readFile(`${procRoot}/${pid}/net/${file}`, 'utf8').catch(() => undefined);
  const [tcp, tcp6] = await Promise.all([read('tcp'), read('tcp6')]);
  if (tcp === undefined && tcp6 === undefined) return undefined; // tcp6 alone is absent without IPv6
  const ports = new Set([...parseProcNetTcp(tcp ?? ''), ...parseProcNetTcp(tcp6 ?? '')]);
  return [...ports].sort((a, b) => a - b);
}
