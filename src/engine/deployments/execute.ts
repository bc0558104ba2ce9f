import { BerthError } from '../../core/errors/berth-error.js';
import type { Artifact, Deployment, RuntimeRecord } from '../../core/deployments/deployment.js';
import type { Plan, ServicePlan } from '../../core/plan/plan.js';
import { ramp } from '../../core/time/delay.js';
import type { ContainerEngine, RunRequest } from '../../ports/container-engine.js';
import type { TargetRuntime } from '../../ports/deploy-runtime.js';
import { sleep, withDeadline } from './deadline.js';
import { baseImagesNeeded } from './base-image-needs.js';
import type { AttemptJournal } from './journal.js';
import { containerName, imageTag, ownershipLabels, volumeName } from './labels.js';
import { attemptNetworks } from './open-networks.js';
import type { ProviderJobLog } from './provider-job-log.js';
import { buildNodeService } from './node-build.js';
import type { EngineSettings } from './settings.js';
import { oneShotServices, verifyRestartPolicy } from './verify.js';

export interface ExecuteInput {
  deployment: Deployment;
  resourceName: string;
  plan: Plan;
  target: TargetRuntime;
  journal: AttemptJournal;
  settings: EngineSettings;
  signal: AbortSignal;
  /** Opens the provider job log of one pull, install or build. */
  providerJob: (kind: 'pull' | 'install' | 'build', service: string) => ProviderJobLog;
  /** The resource's secrets, resolved for this attempt (a node install reads build.secrets from them). */
  secrets?: Record<string, string>;
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
    const names = await baseImagesNeeded(engine, x.plan);
    if (names.length > 0) {
      await x.journal.event('step', 'execute', { step: 'base-images', images: names });
      await withDeadline('base-images', x.settings.deadlines.build, x.signal, () => x.target.prepareBaseImages(names));
    }
  }
  const services: Artifact['services'] = [];
  for (const service of x.plan.services) {
    const tag = imageTag(x.resourceName, service.name, x.deployment.id);
    const labels = ownershipLabels(x.deployment, service.name);
    if (service.build.kind === 'image') {
      const ref = service.build.image;
      let imageId = await engine.imageId(ref);
      // An image the control plane holds goes to the server as it is: no registry in between.
      if (!imageId && x.target.carryImage) {
        imageId = await withDeadline('pull', x.settings.deadlines.pull, x.signal, (signal) => x.target.carryImage!(ref, signal));
        if (imageId) await x.journal.event('step', 'execute', { step: 'carry-image', service: service.name, image: ref, imageId });
      }
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
              onLog: (line) => log.line(line),
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
    if (build.kind === 'node') {
      services.push({ name: service.name, ...(await buildNodeService(x, service, build)) });
      continue;
    }
    await x.journal.event('step', 'execute', { step: 'build', service: service.name });
    let tail: string[] = [];
    const built = await x.providerJob('build', service.name).around(async (log) => {
      const image = await withDeadline('build', x.settings.deadlines.build, x.signal, (signal) =>
        engine.build({
          contextDir: build.contextDir,
          dockerfile: build.kind === 'dockerfile' ? { path: build.dockerfile } : { text: build.dockerfileText },
          ...(build.kind === 'dockerfile' && build.args ? { buildArgs: build.args } : {}),
          ...(build.kind === 'dockerfile' && build.target ? { target: build.target } : {}),
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

/** What a service's container needs besides its plan: this attempt's names, image, networks and secrets. */
export interface RunContext {
  containerName: string;
  image: string;
  /** Ownership labels; they win over a service's own labels of the same name. */
  labels: Record<string, string>;
  /** Compose network name -> engine network name. */
  networks: ReadonlyMap<string, string>;
  defaultNetwork: string;
  /** The resource's secrets, resolved for this attempt (file secrets read their content here). */
  secrets: Record<string, string>;
  /** The secrets that go into the environment: all but those mounted as files. */
  envSecrets: Record<string, string>;
  /** The engine name of a compose named volume: the resource's own. */
  volumeName: (volume: string) => string;
  /** Other services wait for this one to finish (service_completed_successfully). */
  oneShot: boolean;
}

type FieldRule<K extends keyof ServicePlan> = (value: ServicePlan[K], service: ServicePlan, ctx: RunContext) => Partial<RunRequest>;
/** One rule per ServicePlan field. */
export type ServiceFieldRules = { [K in keyof ServicePlan]-?: FieldRule<K> };
const none = (): Partial<RunRequest> => ({});

/**
 * Where each ServicePlan field goes in the container. Every field has a rule, so a new field
 * does not compile until it is mapped here, or refused by the planner: none is dropped.
 */
export const SERVICE_FIELDS: ServiceFieldRules = {
  name: (name) => ({ aliases: [name] }),
  // Built or pulled by produceArtifact: the container runs ctx.image.
  build: none,
  command: (command) => (command ? { command } : {}),
  entrypoint: (entrypoint) => (entrypoint ? { entrypoint } : {}),
  // The service's own values, then its secrets, then PORT (the routed service's internal port).
  env: (env, s, ctx) => ({
    env: {
      ...(env ?? {}),
      ...(s.secretEnv ? Object.fromEntries(s.secretEnv.flatMap((k) => (k in ctx.envSecrets ? [[k, ctx.envSecrets[k]!]] : []))) : ctx.envSecrets),
      ...(s.internalPort ? { PORT: String(s.internalPort) } : {}),
    },
  }),
  secretEnv: none, // folded into env above: only the names listed, when listed
  internalPort: none, // PORT in env above, and an exposed port below
  publish: (publish) => (publish ? { publish } : {}),
  networks: (networks, _s, ctx) => {
    const names = networks && networks.length > 0 ? networks : ['default'];
    return { network: ctx.networks.get(names[0]!) ?? ctx.defaultNetwork, extraNetworks: names.slice(1).flatMap((n) => ctx.networks.get(n) ?? []) };
  },
  networkAliases: (aliases, _s, ctx) =>
    aliases ? { networkAliases: Object.fromEntries(Object.entries(aliases).flatMap(([n, names]) => (ctx.networks.has(n) ? [[ctx.networks.get(n)!, names]] : []))) } : {},
  // Start order and the waits of startServices.
  dependsOn: none,
  dependsOnCondition: none,
  // Shown by the plan; the healthcheck itself is the next field.
  healthcheckDefined: none,
  healthcheck: (healthcheck) => (healthcheck ? { healthcheck } : {}),
  // While verifying: bounded restarts; once verified, keepRunning applies the service's policy.
  restart: (_restart, s, ctx) => ({ restartPolicy: verifyRestartPolicy(s, ctx.oneShot) }),
  replicas: (replicas, s) => {
    // The compose planner blocks other counts; an older snapshot may still carry one.
    if (replicas !== undefined && replicas !== 1) {
      throw new BerthError('plan_blocked', `Service ${s.name} asks for ${replicas} replicas: Berth runs exactly one container per service today.`, {
        reasonCode: 'replicas_unsupported',
        evidence: [{ kind: 'config', detail: `services.${s.name}.deploy.replicas` }],
        fixPath: `services.${s.name}.deploy.replicas`,
        overridePath: `services.${s.name}.deploy.replicas`,
      });
    }
    return {};
  },
  labels: (labels, _s, ctx) => ({ labels: { ...(labels ?? {}), ...ctx.labels } }),
  expose: (expose, s) => {
    const ports = [...new Set([...(expose ?? []), ...(s.internalPort ? [s.internalPort] : [])])];
    return ports.length ? { expose: ports } : {};
  },
  memoryMb: (memoryMb) => (memoryMb !== undefined ? { memoryMb } : {}),
  cpus: (cpus) => (cpus !== undefined ? { cpus } : {}),
  // Named volumes are the resource's own unless the file fixed the engine name (name:, external).
  volumes: (volumes, _s, ctx) =>
    volumes
      ? { volumes: volumes.map((v) => ({ source: v.name ?? (v.type === 'volume' && v.source ? ctx.volumeName(v.source) : v.source), target: v.target, readOnly: v.readOnly, ...(v.type ? { type: v.type } : {}), ...(v.external ? { external: true } : {}) })) }
      : {},
  secretFiles: (_files, s, ctx) => (s.secretFiles?.length ? { secretFiles: secretFiles(s, ctx.secrets) } : {}),
  hostname: (hostname) => (hostname !== undefined ? { hostname } : {}),
  user: (user) => (user !== undefined ? { user } : {}),
  stopSignal: (stopSignal) => (stopSignal !== undefined ? { stopSignal } : {}),
  stopGraceSeconds: (seconds) => (seconds !== undefined ? { stopTimeoutSeconds: seconds } : {}),
  logging: (logging) => (logging ? { logging } : {}),
};

/**
 * The environment a container of the service started now gets (the `env` rule above, which
 * reads only the environment secrets): a warm container taken over must still have exactly it.
 */
export function serviceEnv(service: ServicePlan, plan: Plan, secrets: Record<string, string>): Record<string, string> {
  return SERVICE_FIELDS.env(service.env, service, { envSecrets: secretEnv(secrets, plan) } as RunContext).env ?? {};
}

/** The container of one service, every plan field applied by its rule. */
export function runRequest(service: ServicePlan, ctx: RunContext): RunRequest {
  let spec: RunRequest = { name: ctx.containerName, image: ctx.image, labels: ctx.labels, network: ctx.defaultNetwork };
  for (const key of Object.keys(SERVICE_FIELDS) as (keyof ServicePlan)[]) {
    const rule = SERVICE_FIELDS[key] as FieldRule<typeof key>;
    spec = { ...spec, ...rule(service[key], service, ctx) };
  }
  return spec;
}

/**
 * Waits until a dependency meets the condition its dependent starts on, within `timeoutSeconds`.
 * service_healthy needs Docker's health `healthy`; service_completed_successfully needs exit 0.
 */
export async function awaitDependency(
  engine: ContainerEngine,
  x: { service: string; dependency: string; containerId: string; condition: 'service_healthy' | 'service_completed_successfully'; timeoutSeconds: number; pollMs: number; signal: AbortSignal },
): Promise<void> {
  const started = Date.now();
  const waited = () => Math.round((Date.now() - started) / 1000);
  const healthy = x.condition === 'service_healthy';
  const pauses = ramp(x.pollMs);
  const fail = (reason: string, extra: Record<string, unknown>) =>
    healthy
      ? new BerthError('dependency_unhealthy', `Service ${x.service} waits for ${x.dependency} to be healthy (${reason}).`, { service: x.service, dependency: x.dependency, reason, waitedSeconds: waited(), ...extra })
      : new BerthError('dependency_failed', `Service ${x.service} waits for ${x.dependency} to finish with exit 0 (${reason}).`, { service: x.service, dependency: x.dependency, reason, waitedSeconds: waited(), ...extra });
  for (;;) {
    const state = await engine.inspect(x.containerId);
    if (!state) throw fail('gone', { exitCode: null });
    const ended = state.status === 'exited' || state.status === 'dead';
    if (healthy) {
      if (state.health === 'healthy') return;
      if (state.health === 'unhealthy') throw fail('unhealthy', { health: state.health });
      if (ended) throw fail('exited', { exitCode: state.exitCode });
      // Docker reports `starting` from the first moment a container has a healthcheck.
      if (state.health === null && state.status === 'running') throw fail('no-healthcheck', { health: null });
    } else if (ended) {
      if (state.exitCode === 0) return;
      throw fail('exited', { exitCode: state.exitCode });
    }
    if (Date.now() - started >= x.timeoutSeconds * 1000) throw fail('timeout', healthy ? { health: state.health } : { exitCode: null });
    await sleep(pauses.next().value, x.signal);
  }
}

/** Starts the new version beside the old one, on the networks of its own that `runtime` opened (open-networks.ts). */
export async function startServices(x: ExecuteInput & { artifact: Artifact; env: Record<string, string>; runtime: RuntimeRecord; onStarted: (r: RuntimeRecord) => Promise<void> }): Promise<RuntimeRecord> {
  const { engine } = x.target;
  const netNames = attemptNetworks(x.deployment, x.plan);
  const runtime = x.runtime;
  const oneShot = oneShotServices(x.plan);
  for (const service of startOrder(x.plan.services)) {
    for (const [dependency, condition] of Object.entries(service.dependsOnCondition ?? {})) {
      if (condition === 'service_started') continue;
      const dep = runtime.containers.find((c) => c.service === dependency);
      if (!dep) continue; // startOrder started it first; a plan without it failed its compose checks
      await x.journal.event('step', 'execute', { step: 'wait-dependency', service: service.name, dependency, condition });
      // Bounded like starting a container is (the `start` step deadline), with a code of its own.
      await awaitDependency(engine, { service: service.name, dependency, containerId: dep.id, condition, timeoutSeconds: x.settings.deadlines.start, pollMs: x.settings.pollMs, signal: x.signal });
    }
    const spec = runRequest(service, {
      containerName: containerName(x.resourceName, service.name, x.deployment.id),
      image: x.artifact.services.find((s) => s.name === service.name)!.image,
      labels: ownershipLabels(x.deployment, service.name),
      networks: netNames,
      defaultNetwork: runtime.network,
      secrets: x.env,
      envSecrets: secretEnv(x.env, x.plan),
      volumeName: (volume) => volumeName(x.deployment, volume),
      oneShot: oneShot.has(service.name),
    });
    await x.journal.event('step', 'execute', { step: 'start', service: service.name });
    const started = await withDeadline('start', x.settings.deadlines.start, x.signal, (signal) =>
      engine.run(spec).then(async (c) => {
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

