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

/**
 * Removes the containers and networks labelled with these resources: what a test's serving
 * versions leave running. Without it every run leaves dozens of live apps behind, loading the
 * machine and using up Berth's subnet pool. Images stay (disk only; some are shared).
 */
export async function removeRuntimeOf(resourceIds: readonly string[]): Promise<void> {
  const d = new Docker({ socketPath: '/var/run/docker.sock' });
  for (const id of resourceIds) {
    const label = [`dev.berth.resource=${id}`];
    for (const c of await d.listContainers({ all: true, filters: { label } })) await d.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    for (const n of await d.listNetworks({ filters: { label } })) await d.getNetwork(n.Id).remove().catch(() => undefined);
  }
}
