import type Docker from 'dockerode';
import type { BuildCacheUsage, ContainerUsage, EngineInfo, EngineUsage, ImageUsage, NetworkSummary } from '../../ports/container-engine.js';
import { sleep } from '../../core/time/delay.js';
import { engineCall, statusOf } from './errors.js';

// Read-only views of what the engine holds, for capacity reports and runtime pruning.

interface DfImage {
  Id: string;
  RepoTags?: string[] | null;
  Labels?: Record<string, string> | null;
  ParentId?: string;
  Size?: number;
  SharedSize?: number;
  Containers?: number;
}

interface DfContainer {
  Id: string;
  Names?: string[];
  State?: string;
  ImageID?: string;
  Labels?: Record<string, string> | null;
  SizeRw?: number;
  NetworkSettings?: { Networks?: Record<string, unknown> | null };
}

interface DfBuildCache {
  ID: string;
  Type?: string;
  Size?: number;
  InUse?: boolean;
  Shared?: boolean;
}

// The engine reports -1 for sizes it did not compute.
const known = (n: number | undefined): number | null => (typeof n === 'number' && n >= 0 ? n : null);

export function toImageUsage(i: DfImage): ImageUsage {
  return {
    id: i.Id,
    repoTags: (i.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
    labels: i.Labels ?? {},
    parentId: i.ParentId || null,
    sizeBytes: known(i.Size) ?? 0,
    sharedBytes: known(i.SharedSize),
    containers: known(i.Containers),
  };
}

function toContainerUsage(c: DfContainer): ContainerUsage {
  return {
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
    state: c.State ?? 'unknown',
    imageId: c.ImageID ?? '',
    labels: c.Labels ?? {},
    networks: Object.keys(c.NetworkSettings?.Networks ?? {}),
    sizeBytes: known(c.SizeRw) ?? 0,
  };
}

const toBuildCache = (b: DfBuildCache): BuildCacheUsage => ({ id: b.ID, type: b.Type ?? 'unknown', sizeBytes: known(b.Size) ?? 0, inUse: b.InUse ?? false, shared: b.Shared ?? false });

/**
 * The engine walks disk usage for one caller at a time and refuses a second meanwhile (Docker
 * 20.10: HTTP 500 with this text, later versions 409 or a shared result).
 */
const DF_BUSY = /disk usage operation is already running/;
// A walk of a large image store on a loaded machine takes tens of seconds: wait that long.
const DF_BUSY_RETRIES = 120;
const DF_BUSY_WAIT_MS = 500;

async function systemDf(docker: Docker): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await docker.df();
    } catch (err) {
      // Another client (a capacity report, an operator's `docker system df`) is mid-walk: wait for it.
      const busy = statusOf(err) === 409 || DF_BUSY.test(String((err as Error | null)?.message ?? ''));
      if (!busy || attempt >= DF_BUSY_RETRIES) throw err;
      await sleep(DF_BUSY_WAIT_MS);
    }
  }
}

/** One /system/df call: sizes of every image, container and build cache record. */
export async function engineUsage(docker: Docker): Promise<EngineUsage> {
  const df = (await engineCall('usage', () => systemDf(docker))) as {
    LayersSize?: number;
    Images?: DfImage[] | null;
    Containers?: DfContainer[] | null;
    BuildCache?: DfBuildCache[] | null;
  };
  return {
    layersBytes: known(df.LayersSize) ?? 0,
    images: (df.Images ?? []).map(toImageUsage),
    containers: (df.Containers ?? []).map(toContainerUsage),
    buildCache: (df.BuildCache ?? []).map(toBuildCache),
  };
}

export async function engineInfo(docker: Docker): Promise<EngineInfo> {
  const i = (await engineCall('info', () => docker.info())) as Record<string, unknown>;
  const str = (k: string) => (typeof i[k] === 'string' ? (i[k] as string) : '');
  const num = (k: string) => (typeof i[k] === 'number' ? (i[k] as number) : 0);
  const v = (await engineCall('version', () => docker.version())) as { ApiVersion?: string };
  return {
    version: str('ServerVersion'),
    apiVersion: v.ApiVersion ?? '',
    os: str('OperatingSystem'),
    arch: str('Architecture'),
    kernelVersion: str('KernelVersion'),
    storageDriver: str('Driver'),
    rootDir: str('DockerRootDir'),
    containers: { total: num('Containers'), running: num('ContainersRunning'), stopped: num('ContainersStopped') },
    images: num('Images'),
  };
}

export async function listNetworks(docker: Docker, labels: Record<string, string>): Promise<NetworkSummary[]> {
  const label = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  const nets = await engineCall('listNetworks', () => docker.listNetworks({ filters: { label } }));
  return nets.map((n) => ({ id: n.Id, name: n.Name, labels: n.Labels ?? {} }));
}

/** KEY=VALUE pairs of the container's config; undefined when the container is gone. */
export function containerEnv(docker: Docker, id: string): Promise<Record<string, string> | undefined> {
  return engineCall(
    'containerEnv',
    async () => {
      const info = await docker.getContainer(id).inspect();
      const env: Record<string, string> = {};
      for (const pair of info.Config.Env ?? []) {
        const at = pair.indexOf('=');
        if (at > 0) env[pair.slice(0, at)] = pair.slice(at + 1);
      }
      return env;
    },
    (r) => (r.statusCode === 404 ? { value: undefined } : undefined),
  );
}
