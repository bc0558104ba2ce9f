import { definedFields } from '../../core/model/defined-fields.js';
import type Docker from 'dockerode';
import { BerthError } from '../../core/errors/berth-error.js';
import { LABELS, type RunRequest, type RunningContainer } from '../../ports/container-engine.js';
import { engineCall, type EngineRefusal } from './errors.js';
import { readonlyPaths, secretFilesTar } from './secret-files.js';

const MB = 1024 * 1024;
/** Docker's durations are nanoseconds. */
const NS_PER_MS = 1_000_000;

/** Compose spelling -> Docker's; `on-failure:N` stops retrying after N restarts (0 = no limit). */
export function restartPolicy(policy: RunRequest['restartPolicy']): Docker.HostRestartPolicy {
  const bounded = /^on-failure:(\d+)$/.exec(policy ?? '');
  if (bounded) return { Name: 'on-failure', MaximumRetryCount: Number(bounded[1]) };
  return { Name: policy ?? 'no' };
}

/** Bind mounts, tmpfs, and volumes labelled on creation like everything Berth makes. */
function mounts(req: RunRequest): Docker.MountSettings[] {
  const volumeLabels: Record<string, string> = { [LABELS.managed]: 'true' };
  const resource = req.labels[LABELS.resource];
  if (resource) volumeLabels[LABELS.resource] = resource;
  return (req.volumes ?? []).map((v): Docker.MountSettings => {
    const type = v.type ?? (v.source.startsWith('/') ? 'bind' : 'volume');
    if (type === 'tmpfs') return { Type: 'tmpfs', Source: '', Target: v.target, ReadOnly: v.readOnly };
    if (type === 'bind') return { Type: 'bind', Source: v.source, Target: v.target, ReadOnly: v.readOnly };
    // An empty source is an anonymous volume: Docker names it.
    return { Type: 'volume', Source: v.source, Target: v.target, ReadOnly: v.readOnly, VolumeOptions: { NoCopy: false, Labels: volumeLabels, DriverConfig: { Name: 'local', Options: {} } } };
  });
}

function aliasesOn(req: RunRequest, network: string): string[] {
  return [...(req.aliases ?? []), ...(req.networkAliases?.[network] ?? [])];
}

function healthcheck(h: NonNullable<RunRequest['healthcheck']>): Docker.HealthConfig {
  const ns = (ms: number | undefined) => (ms === undefined ? undefined : ms * NS_PER_MS);
  const config = { Test: h.test ?? [], Interval: ns(h.intervalMs), Timeout: ns(h.timeoutMs), Retries: h.retries, StartPeriod: ns(h.startPeriodMs) };
  return definedFields(config) as Docker.HealthConfig;
}

export function containerSpec(req: RunRequest): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  for (const port of req.expose ?? []) exposed[`${port}/tcp`] = {};
  const bindings: Record<string, { HostPort: string; HostIp?: string }[]> = {};
  for (const p of req.publish ?? []) {
    const key = `${p.container}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostPort: String(p.host), ...(p.hostIp ? { HostIp: p.hostIp } : {}) });
  }
  return {
    name: req.name,
    Image: req.image,
    ...(req.command ? { Cmd: req.command } : {}),
    ...(req.entrypoint ? { Entrypoint: req.entrypoint } : {}),
    Env: Object.entries(req.env ?? {}).map(([k, v]) => `${k}=${v}`),
    Labels: req.labels,
    ExposedPorts: exposed,
    ...(req.healthcheck ? { Healthcheck: healthcheck(req.healthcheck) } : {}),
    ...(req.hostname !== undefined ? { Hostname: req.hostname } : {}),
    ...(req.user !== undefined ? { User: req.user } : {}),
    ...(req.stopSignal !== undefined ? { StopSignal: req.stopSignal } : {}),
    ...(req.stopTimeoutSeconds !== undefined ? { StopTimeout: req.stopTimeoutSeconds } : {}),
    HostConfig: {
      ...(req.logging ? { LogConfig: { Type: req.logging.driver ?? '', Config: req.logging.options } } : {}),
      NetworkMode: req.network,
      RestartPolicy: restartPolicy(req.restartPolicy),
      ...(req.memoryMb ? { Memory: Math.round(req.memoryMb * MB) } : {}),
      ...(req.cpus ? { NanoCpus: Math.round(req.cpus * 1e9) } : {}),
      PortBindings: bindings,
      Mounts: mounts(req),
      ...(req.secretFiles?.length ? { ReadonlyPaths: readonlyPaths(req.secretFiles) } : {}),
    },
    NetworkingConfig: { EndpointsConfig: { [req.network]: { Aliases: aliasesOn(req, req.network) } } },
  };
}

/** The engine creates a missing named volume on use; an external one must already exist (compose's rule). */
async function requireExternalVolumes(docker: Docker, req: RunRequest): Promise<void> {
  for (const v of (req.volumes ?? []).filter((x) => x.external)) {
    await engineCall('run', () => docker.getVolume(v.source).inspect(), (r) =>
      r.statusCode === 404 ? new BerthError('compose_volume_missing', `External volume ${v.source} does not exist on the engine.`, { volume: v.source, ...(req.labels[LABELS.service] ? { service: req.labels[LABELS.service] } : {}) }) : startFailed(req, r),
    );
  }
}

function startFailed(req: RunRequest, refusal: EngineRefusal): BerthError {
  const service = req.labels[LABELS.service];
  return new BerthError('container_start_failed', `The engine refused to start container ${req.name}.`, {
    ...(service ? { service } : {}),
    ...(refusal.statusCode ? { statusCode: refusal.statusCode } : {}),
    reason: refusal.reason,
  });
}

/** Creates and starts; a container that was created but would not start is removed, freeing its name. */
export async function runContainer(docker: Docker, req: RunRequest): Promise<RunningContainer> {
  await requireExternalVolumes(docker, req);
  const container = await engineCall('run', () => docker.createContainer(containerSpec(req)), (r) => startFailed(req, r));
  try {
    if (req.secretFiles?.length) {
      const tar = secretFilesTar(req.secretFiles);
      await engineCall('run', () => container.putArchive(tar, { path: '/' }), (r) => startFailed(req, r));
    }
    // Engine API 1.41 takes one network at create; the others are joined before start.
    for (const network of req.extraNetworks ?? []) {
      await engineCall('run', () => docker.getNetwork(network).connect({ Container: container.id, EndpointConfig: { Aliases: aliasesOn(req, network) } }), (r) => startFailed(req, r));
    }
    await engineCall('run', () => container.start(), (r) => startFailed(req, r));
  } catch (err) {
    await container.remove({ force: true }).catch(() => undefined);
    throw err;
  }
  const info = await engineCall('run', () => container.inspect());
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    ip: info.NetworkSettings.Networks[req.network]?.IPAddress ?? '',
  };
}
