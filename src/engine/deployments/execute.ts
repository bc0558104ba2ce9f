import { BerthError } from '../../core/errors/berth-error.js';
import type { Artifact, Deployment, RuntimeRecord } from '../../core/deployments/deployment.js';
import type { Plan, ServicePlan } from '../../core/plan/plan.js';
import type { TargetRuntime } from '../../ports/deploy-runtime.js';
import { withDeadline } from './deadline.js';
import type { AttemptJournal } from './journal.js';
import { containerName, imageTag, networkName, ownershipLabels, volumeName } from './labels.js';
import type { ProviderJobLog } from './provider-job-log.js';
import type { EngineSettings } from './settings.js';

interface ExecuteInput {
  deployment: Deployment;
  resourceName: string;
  plan: Plan;
  target: TargetRuntime;
  journal: AttemptJournal;
  settings: EngineSettings;
  signal: AbortSignal;
  /** Opens the provider job log of one pull or build. */
  providerJob: (kind: 'pull' | 'build', service: string) => ProviderJobLog;
}

/** Builds or pulls one image per service: the artifact a rollback reuses without building. */
export async function produceArtifact(x: ExecuteInput): Promise<Artifact> {
  const { engine } = x.target;
  const needsBuild = x.plan.services.some((s) => s.build.kind !== 'image');
  if (needsBuild) {
    const disk = await engine.diskUsage();
    if (disk.freeBytes < x.settings.minFreeBytes) {
      throw new BerthError('disk_space_low', 'The target is below the free-space threshold for a build.', {
        path: disk.path,
        freeBytes: disk.freeBytes,
        requiredBytes: x.settings.minFreeBytes,
      });
    }
    await x.journal.event('step', 'execute', { step: 'base-images' });
    await withDeadline('base-images', x.settings.deadlines.build, x.signal, () => x.target.prepareBaseImages());
  }
  const services: Artifact['services'] = [];
  for (const service of x.plan.services) {
    const tag = imageTag(x.resourceName, service.name, x.deployment.id);
    const labels = ownershipLabels(x.deployment, service.name);
    if (service.build.kind === 'image') {
      const ref = service.build.image;
      let imageId = await engine.imageId(ref);
      if (!imageId) {
        await x.journal.event('step', 'execute', { step: 'pull', service: service.name, image: ref });
        imageId = await x.providerJob('pull', service.name).around(async (log) => {
          log.line(`pull ${ref}`);
          const pulled = await withDeadline('pull', x.settings.deadlines.pull, x.signal, (signal) =>
            engine.pull({
              image: ref,
              signal,
              onAttempt: (attempt, nextRetryAt, reason) => {
                log.line(`attempt ${attempt} failed: ${reason}`, 'warn', { attempt, nextRetryAt });
                void x.journal.event('step', 'execute', { step: 'pull-retry', image: ref, attempt, nextRetryAt, reason });
              },
            }),
          );
          log.line(`pulled ${pulled.imageId}`);
          return pulled.imageId;
        });
      }
      // Tag it for this deployment so pruning knows a rollback candidate still needs it.
      await engine.tagImage(imageId, tag);
      services.push({ name: service.name, image: tag, imageId });
      continue;
    }
    const build = service.build;
    await x.journal.event('step', 'execute', { step: 'build', service: service.name });
    let tail: string[] = [];
    const built = await x.providerJob('build', service.name).around(async (log) => {
      const image = await withDeadline('build', x.settings.deadlines.build, x.signal, (signal) =>
        engine.build({
          contextDir: build.contextDir,
          dockerfile: build.kind === 'dockerfile' ? { path: build.dockerfile } : { text: build.dockerfileText },
          tag,
          labels,
          signal,
          onLog: (line) => log.line(line),
        }),
      );
      tail = log.tail(10);
      return image;
    });
    await x.journal.event('log', 'execute', { step: 'build', service: service.name, tail });
    services.push({ name: service.name, image: tag, imageId: built.imageId });
  }
  return { kind: x.plan.artifactKind, services };
}

/** Resource secrets as environment variables, except those the plan mounts as files: a file secret is a file. */
function secretEnv(secrets: Record<string, string>, plan: Plan): Record<string, string> {
  const files = new Set(plan.services.flatMap((s) => (s.secretFiles ?? []).map((f) => f.secret)));
  return Object.fromEntries(Object.entries(secrets).filter(([name]) => !files.has(name)));
}

/** The file contents of a service's secret mounts, opened only here, for the engine call. */
function secretFiles(service: ServicePlan, secrets: Record<string, string>) {
  return service.secretFiles?.map((f) => {
    const content = secrets[f.secret];
    if (content === undefined) {
      throw new BerthError('compose_secret_missing', `Service ${service.name} mounts secret ${f.secret}, which the resource does not have.`, { service: service.name, secretName: f.secret });
    }
    return { target: f.target, content, ...(f.uid !== undefined ? { uid: f.uid } : {}), ...(f.gid !== undefined ? { gid: f.gid } : {}), ...(f.mode !== undefined ? { mode: f.mode } : {}) };
  });
}

/** Orders services so each starts after what it depends on (compose depends_on). */
export function startOrder(services: ServicePlan[]): ServicePlan[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const done = new Set<string>();
  const out: ServicePlan[] = [];
  const visit = (s: ServicePlan, trail: Set<string>) => {
    if (done.has(s.name) || trail.has(s.name)) return;
    trail.add(s.name);
    for (const dep of s.dependsOn ?? []) {
      const d = byName.get(dep);
      if (d) visit(d, trail);
    }
    done.add(s.name);
    out.push(s);
  };
  for (const s of services) visit(s, new Set());
  return out;
}

/** Starts the new version beside the old one, on networks of its own. */
export async function startServices(x: ExecuteInput & { artifact: Artifact; env: Record<string, string>; onStarted: (r: RuntimeRecord) => Promise<void> }): Promise<RuntimeRecord> {
  const { engine } = x.target;
  const netNames = new Map<string, string>();
  const declared = x.plan.networks.length > 0 ? x.plan.networks : ['default'];
  for (const n of new Set([...declared, 'default'])) {
    const name = networkName(x.deployment.id, n);
    await engine.ensureNetwork(name, ownershipLabels(x.deployment));
    netNames.set(n, name);
  }
  const runtime: RuntimeRecord = { network: netNames.get('default')!, networks: [...netNames.values()], containers: [] };
  await x.onStarted(runtime);
  for (const service of startOrder(x.plan.services)) {
    const image = x.artifact.services.find((s) => s.name === service.name)!.image;
    const networks = service.networks && service.networks.length > 0 ? service.networks : ['default'];
    const primary = netNames.get(networks[0]!) ?? runtime.network;
    const env = { ...(service.env ?? {}), ...secretEnv(x.env, x.plan), ...(service.internalPort ? { PORT: String(service.internalPort) } : {}) };
    await x.journal.event('step', 'execute', { step: 'start', service: service.name });
    const started = await withDeadline('start', x.settings.deadlines.start, x.signal, (signal) =>
      engine.run({
        name: containerName(x.resourceName, service.name, x.deployment.id),
        image,
        command: service.command,
        env,
        labels: ownershipLabels(x.deployment, service.name),
        network: primary,
        extraNetworks: networks.slice(1).flatMap((n) => netNames.get(n) ?? []),
        aliases: [service.name],
        // No restarts while verifying: a crash is reported as one (container_exited), not masked.
        restartPolicy: 'no',
        memoryMb: service.memoryMb,
        cpus: service.cpus,
        publish: service.publish,
        // Named volumes are the resource's own unless the file fixed the engine name (name:, external).
        volumes: service.volumes?.map((v) => ({ source: v.name ?? (v.type === 'volume' && v.source ? volumeName(x.deployment, v.source) : v.source), target: v.target, readOnly: v.readOnly, ...(v.type ? { type: v.type } : {}), ...(v.external ? { external: true } : {}) })),
        secretFiles: secretFiles(service, x.env),
      }).then(async (c) => {
        // Started after the attempt was canceled or overran: the failure path never saw it.
        if (signal.aborted) await engine.remove(c.id).catch(() => undefined);
        return c;
      }),
    );
    runtime.containers.push({ id: started.id, name: started.name, service: service.name, ip: started.ip });
    await x.onStarted(runtime);
  }
  return runtime;
}
