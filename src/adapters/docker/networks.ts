import type Docker from 'dockerode';
import { overlaps } from '../../core/net/subnets.js';
import { engineCall } from './errors.js';

/**
 * Berth allocates its networks' subnets itself, /24s out of 10.213.0.0/16, instead of relying on
 * the daemon's default pools: those hold ~30 networks, and a deploy creates one per attempt.
 */
const POOL_PREFIX = '10.213';

/**
 * Creates the bridge network once. Looked up by exact name (inspect by name also matches id
 * prefixes); a concurrent creation (409) means it exists; a subnet taken meanwhile is retried.
 * `hostRoutes` are the CIDRs the engine's host routes (other engines' bridges included), given
 * for a server's engine: an engine only knows its own networks.
 */
export async function ensureNetwork(docker: Docker, name: string, labels: Record<string, string>, hostRoutes: () => Promise<string[]> = async () => []): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    // One listing answers both questions: does it exist, and which subnets are taken.
    const nets = await engineCall('ensureNetwork', () => docker.listNetworks());
    if (nets.some((n) => n.Name === name)) return;
    const used = new Set(nets.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')));
    const routed = await hostRoutes().catch(() => []);
    const free = Array.from({ length: 256 }, (_, i) => `${POOL_PREFIX}.${(i + attempt * 37) % 256}.0/24`).find((s) => !used.has(s) && !routed.some((r) => overlaps(r, s)));
    const created = await engineCall(
      'ensureNetwork',
      async () => {
        await docker.createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true, ...(free ? { IPAM: { Driver: 'default', Config: [{ Subnet: free }] } } : {}) });
        return true;
      },
      (r) => (r.statusCode === 409 ? { value: true } : /overlap|pool/i.test(r.reason) ? { value: false } : undefined),
    );
    if (created) return;
  }
  await engineCall('ensureNetwork', () => docker.createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true }));
}

/** Removes a network; one already gone is fine, one still in use is left (its owner removes it). */
export async function removeNetwork(docker: Docker, name: string): Promise<void> {
  await engineCall(
    'removeNetwork',
    () => docker.getNetwork(name).remove(),
    (r) => (r.statusCode === 404 || r.statusCode === 403 || r.statusCode === 409 ? { value: undefined } : undefined),
  );
}

