import Docker from 'dockerode';

/**
 * Fingerprint of the Docker objects a control plane could have made: everything labelled with
 * one of its resources, and images tagged with one of its resource names. (Other test files run
 * in parallel against the same engine, so the whole engine is not a stable fingerprint.)
 */
export async function dockerObjectsOf(resourceIds: string[], resourceNames: string[]): Promise<Record<string, string[]>> {
  const d = new Docker({ socketPath: '/var/run/docker.sock' });
  const mine = (labels: Record<string, string> | undefined | null) => resourceIds.includes(labels?.['dev.berth.resource'] ?? '');
  const [containers, images, networks, volumes] = await Promise.all([d.listContainers({ all: true }), d.listImages({ all: true }), d.listNetworks(), d.listVolumes()]);
  return {
    containers: containers.filter((c) => mine(c.Labels)).map((c) => c.Id).sort(),
    images: images
      .filter((i) => mine(i.Labels) || (i.RepoTags ?? []).some((t) => resourceNames.some((n) => t.includes(`/${n}-`))))
      .map((i) => i.Id)
      .sort(),
    networks: networks.filter((n) => mine(n.Labels)).map((n) => n.Id).sort(),
    volumes: (volumes.Volumes ?? []).filter((v) => mine(v.Labels)).map((v) => v.Name).sort(),
  };
}
