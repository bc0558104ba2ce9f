import type Docker from 'dockerode';
import type { ContainerState } from '../../ports/container-engine.js';
import { engineCall } from './errors.js';

const STATUSES: readonly ContainerState['status'][] = ['created', 'running', 'restarting', 'exited', 'paused', 'dead', 'removing'];
const HEALTH: readonly NonNullable<ContainerState['health']>[] = ['healthy', 'unhealthy', 'starting'];

export function toContainerState(info: Docker.ContainerInspectInfo): ContainerState {
  const status = STATUSES.find((s) => s === info.State.Status) ?? 'dead';
  const health = HEALTH.find((h) => h === info.State.Health?.Status) ?? null;
  // A container sits on one Berth network: its first address is the one the proxy reaches.
  const ip = Object.values(info.NetworkSettings.Networks ?? {}).map((n) => n.IPAddress).find(Boolean) ?? null;
  return {
    id: info.Id,
    status,
    // Only a process that ended has an exit code; Docker reports 0 for one that never did.
    exitCode: status === 'exited' || status === 'dead' || status === 'restarting' ? info.State.ExitCode : null,
    restartCount: info.RestartCount ?? 0,
    health,
    labels: info.Config.Labels ?? {},
    ip,
  };
}

const gone = (r: { statusCode: number | undefined }) => (r.statusCode === 404 ? { value: undefined } : undefined);

/** The container's state, or undefined when it no longer exists. */
export function inspectContainer(docker: Docker, id: string): Promise<ContainerState | undefined> {
  return engineCall('inspect', async () => toContainerState(await docker.getContainer(id).inspect()), gone);
}

/** All containers (any state) carrying every given label. */
export async function listContainers(docker: Docker, labels: Record<string, string>): Promise<ContainerState[]> {
  const label = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  const summaries = await engineCall('listContainers', () => docker.listContainers({ all: true, filters: { label } }));
  // The summary lacks exit code and restart count: inspect each (one may vanish meanwhile).
  const states = await Promise.all(summaries.map((s) => inspectContainer(docker, s.Id)));
  return states.filter((s): s is ContainerState => s !== undefined);
}

/**
 * Stopping a stopped (304) or vanished (404) container is already done. A container created
 * with its own stop timeout (compose stop_grace_period) keeps it: Docker applies it when the
 * request names none.
 */
export async function stopContainer(docker: Docker, id: string, timeoutSeconds: number): Promise<void> {
  const done = (r: { statusCode: number | undefined }) => (r.statusCode === 304 || r.statusCode === 404 ? { value: undefined } : undefined);
  const info = await engineCall('stop', () => docker.getContainer(id).inspect(), (r) => (r.statusCode === 404 ? { value: undefined } : undefined));
  if (!info) return;
  const own = (info.Config as { StopTimeout?: number | null }).StopTimeout;
  await engineCall('stop', () => docker.getContainer(id).stop(typeof own === 'number' ? {} : { t: timeoutSeconds }), done);
}

/** Force-removes; a container already gone, or already being removed (409), is fine. */
export async function removeContainer(docker: Docker, id: string): Promise<void> {
  await engineCall(
    'remove',
    () => docker.getContainer(id).remove({ force: true }),
    (r) => (r.statusCode === 404 || (r.statusCode === 409 && /already in progress/i.test(r.reason)) ? { value: undefined } : undefined),
  );
}
