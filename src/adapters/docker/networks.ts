import type Docker from 'dockerode';
import { engineCall } from './errors.js';

/**
 * Creates the bridge network once. Looked up by exact name (inspect by name also matches id
 * prefixes); a concurrent creation (409) means it exists.
 */
export async function ensureNetwork(docker: Docker, name: string, labels: Record<string, string>): Promise<void> {
  const existing = await engineCall('ensureNetwork', () => docker.listNetworks({ filters: { name: [name] } }));
  if (existing.some((n) => n.Name === name)) return;
  await engineCall(
    'ensureNetwork',
    () => docker.createNetwork({ Name: name, Driver: 'bridge', Labels: labels, CheckDuplicate: true }),
    (r) => (r.statusCode === 409 ? { value: undefined } : undefined),
  );
}
