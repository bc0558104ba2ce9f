import type Docker from 'dockerode';
import { BerthError } from '../../core/errors/berth-error.js';
import { LABELS, type RunRequest, type RunningContainer } from '../../ports/container-engine.js';
import { engineCall, type EngineRefusal } from './errors.js';
import { readonlyPaths, secretFilesTar } from './secret-files.js';

const MB = 1024 * 1024;
/** on-failure retries are bounded so a crash loop ends (verify reports restart_exhausted). */
const ON_FAILURE_RETRIES = 3;

export function restartPolicy(policy: RunRequest['restartPolicy']): Docker.HostRestartPolicy {
  if (policy === 'on-failure') return { Name: 'on-failure', MaximumRetryCount: ON_FAILURE_RETRIES };
  return { Name: policy ?? 'no' };
}

/** tmpfs is memory; absolute sources are bind mounts; names are volumes, labelled on creation like everything Berth makes. */
function mounts(req: RunRequest): Docker.MountSettings[] {
  const volumeLabels: Record<string, string> = { [LABELS.managed]: 'true' };
  const resource = req.labels[LABELS.resource];
  if (resource) volumeLabels[LABELS.resource] = resource;
  return (req.volumes ?? []).map((v) =>
    v.type === 'tmpfs'
      ? { Type: 'tmpfs', Source: '', Target: v.target, ReadOnly: v.readOnly }
      : v.source.startsWith('/')
      ? { Type: 'bind', Source: v.source, Target: v.target, ReadOnly: v.readOnly }
      : { Type: 'volume', Source: v.source, Target: v.target, ReadOnly: v.readOnly, VolumeOptions: { NoCopy: false, Labels: volumeLabels, DriverConfig: { Name: 'local', Options: {} } } },
  );
}

export function containerSpec(req: RunRequest): Docker.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostPort: string }[]> = {};
  for (const p of req.publish ?? []) {
    const key = `${p.container}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostPort: String(p.host) });
  }
  return {
    name: req.name,
    Image: req.image,
    ...(req.command ? { Cmd: req.command } : {}),
    Env: Object.entries(req.env ?? {}).map(([k, v]) => `${k}=${v}`),
    Labels: req.labels,
    ExposedPorts: exposed,
    HostConfig: {
      NetworkMode: req.network,
      RestartPolicy: restartPolicy(req.restartPolicy),
      ...(req.memoryMb ? { Memory: Math.round(req.memoryMb * MB) } : {}),
      ...(req.cpus ? { NanoCpus: Math.round(req.cpus * 1e9) } : {}),
      PortBindings: bindings,
      Mounts: mounts(req),
      ...(req.secretFiles?.length ? { ReadonlyPaths: readonlyPaths(req.secretFiles) } : {}),
    },
    NetworkingConfig: { EndpointsConfig: { [req.network]: { Aliases: req.aliases ?? [] } } },
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
      await engineCall('run', () => docker.getNetwork(network).connect({ Container: container.id, EndpointConfig: { Aliases: req.aliases ?? [] } }), (r) => startFailed(req, r));
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
