import { parseCompose } from '../../core/compose/parse.js';
import type { ComposeModel, ComposeService } from '../../core/compose/model.js';
import { DEFAULT_EDGE_HTTP_PORT, edgePorts } from '../../core/compose/checks.js';
import { READABLE_LOG_DRIVERS, type Evidence, type LogDriver, type Plan, type PlanWarning, type RestartPolicy, type ServicePlan } from '../../core/plan/plan.js';
import type { PlanRequest } from '../../ports/sources.js';
import { LABELS } from '../../core/ownership/labels.js';
import { COMPOSE_FILE_NAMES } from '../sources/compose.js';
import { blocked, healthPlan, inside, isFile, readText, unusedCommands } from './context.js';
import { routedService } from './compose-route.js';
import { secretFilePlans, volumePlans } from './compose-mounts.js';

// A compose stack: one ServicePlan per service. The document is the one the client folded
// (PlanRequest.composeDocument) when sent, else the file in the source — which must then hold
// no env_file, since the control plane never reads a user's env files.

export async function planCompose(req: PlanRequest): Promise<Plan> {
  const { text, file, evidence } = await composeText(req);
  const model = parseCompose(text, file, 'plan', { edgePorts: req.edgePorts ?? edgePorts(DEFAULT_EDGE_HTTP_PORT) });
  const dir = req.source.dir;
  const warnings = [...model.warnings, ...unusedCommands(req, ['installCommand', 'buildCommand', 'startCommand'], 'compose')];
  const route = routedService(model, req.network, evidence);
  const warningCodes: PlanWarning[] = [];
  const warn = (w: PlanWarning) => {
    warningCodes.push(w);
    warnings.push(w.message);
  };
  for (const s of model.services) blockUnsupported(s);
  networkWarnings(model, warn);
  const services = model.services.map((s) => servicePlan(s, model, dir, s.name === route.service ? route.port : undefined, warnings, warn));
  return {
    planner: 'compose',
    supportTier: 'supported',
    artifactKind: 'compose',
    evidence,
    commands: {},
    services,
    routedService: route.service,
    internalPort: route.port,
    health: healthPlan(req.health),
    networks: model.networks.map((n) => n.name),
    warnings,
    ...(warningCodes.length ? { warningCodes } : {}),
  };
}

const BERTH_LABEL_PREFIX = LABELS.managed.slice(0, LABELS.managed.lastIndexOf('.') + 1);

/**
 * Berth creates a bridge network per compose network and deployment, so versions run side by
 * side: other drivers, internal-only networks and external ones are not what the file asked for.
 */
function networkWarnings(model: ComposeModel, warn: (w: PlanWarning) => void): void {
  for (const n of model.networks) {
    const unhonoured = [
      ...(n.driver !== undefined && n.driver !== 'bridge' ? ['driver'] : []),
      ...(n.internal ? ['internal'] : []),
      ...(n.external ? ['external'] : []),
    ];
    for (const key of unhonoured) {
      warn({
        reasonCode: 'network_option_not_honoured',
        field: `networks.${n.name}.${key}`,
        message: `networks.${n.name}.${key} is not applied: Berth creates a bridge network of its own per deployment for ${n.name}. Remove it, or keep it knowing the services join that bridge.`,
      });
    }
  }
}

/** Fields Berth cannot honour yet and must not drop: the plan is blocked, naming the field. */
function blockUnsupported(s: ComposeService): void {
  // One container per service until the server pool lands; 0 ("defined, not started") is not honoured either.
  if (s.replicas !== undefined && s.replicas !== 1) {
    throw blocked('replicas_unsupported', `Service ${s.name} asks for ${s.replicas} replicas: Berth runs exactly one container per service today.`, {
      evidence: [{ kind: 'config', detail: `services.${s.name}.deploy.replicas` }],
      fixPath: `services.${s.name}.deploy.replicas`,
      overridePath: `services.${s.name}.deploy.replicas`,
    });
  }
}

async function composeText(req: PlanRequest): Promise<{ text: string; file: string; evidence: Evidence[] }> {
  if (req.composeDocument !== undefined) {
    return { text: req.composeDocument, file: req.source.composeFile ?? COMPOSE_FILE_NAMES[0], evidence: [{ kind: 'config', detail: 'compose document sent by the client' }] };
  }
  const dir = req.source.dir;
  let file = req.source.composeFile;
  if (!file && dir) for (const name of COMPOSE_FILE_NAMES) if (!file && (await isFile(dir, name))) file = name;
  const text = dir && file ? await readText(dir, file) : undefined;
  if (!file || text === undefined) {
    throw blocked('compose_file_missing', 'No compose file in the source.', {
      evidence: COMPOSE_FILE_NAMES.map((n) => ({ kind: 'missing', detail: n })),
      fixPath: COMPOSE_FILE_NAMES[0],
      overridePath: 'runtime.method',
      profileField: 'runtime.method',
    });
  }
  return { text, file, evidence: [{ kind: 'file', detail: file }] };
}

function servicePlan(s: ComposeService, model: ComposeModel, dir: string | undefined, internalPort: number | undefined, warnings: string[], warn: (w: PlanWarning) => void): ServicePlan {
  const volumes = volumePlans(s, model);
  const secretFiles = secretFilePlans(s, model);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(s.environment)) {
    if (value === null) warnings.push(`services.${s.name}.environment.${key} has no value and is left unset.`);
    else env[key] = value;
  }
  const published = s.ports.filter((p) => p.host !== undefined);
  const expose = [...new Set([...s.ports.filter((p) => p.host === undefined).map((p) => p.container), ...s.expose])];
  const conditions = Object.fromEntries(s.dependsOn.filter((d) => d.condition !== 'service_started').map((d) => [d.service, d.condition]));
  const hc = s.healthcheck;
  dependsOnWarnings(s, warn);
  return {
    name: s.name,
    build: buildPlan(s, dir),
    ...(s.command ? { command: s.command } : {}),
    ...(s.entrypoint ? { entrypoint: s.entrypoint } : {}),
    ...(Object.keys(env).length ? { env } : {}),
    ...(internalPort !== undefined ? { internalPort } : {}),
    ...(published.length ? { publish: published.map((p) => ({ host: p.host ?? 0, container: p.container, protocol: p.protocol, ...(p.hostIp ? { hostIp: p.hostIp } : {}) })) } : {}),
    ...(expose.length ? { expose } : {}),
    networks: s.networks,
    ...(s.networkAliases ? { networkAliases: s.networkAliases } : {}),
    dependsOn: s.dependsOn.map((d) => d.service),
    ...(Object.keys(conditions).length ? { dependsOnCondition: conditions } : {}),
    healthcheckDefined: hc !== undefined && !hc.disabled,
    ...healthcheckPlan(s, warn),
    // The schema accepts only compose's restart spellings.
    ...(s.restart ? { restart: s.restart as RestartPolicy } : {}),
    ...(s.replicas !== undefined ? { replicas: s.replicas } : {}),
    ...labelsPlan(s, warn),
    ...(s.limits.memoryMb !== undefined ? { memoryMb: s.limits.memoryMb } : {}),
    ...(s.limits.cpus !== undefined ? { cpus: s.limits.cpus } : {}),
    ...(volumes.length ? { volumes } : {}),
    ...(secretFiles.length ? { secretFiles } : {}),
    ...(s.hostname !== undefined ? { hostname: s.hostname } : {}),
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(s.stopSignal !== undefined ? { stopSignal: s.stopSignal } : {}),
    // Docker's stop timeout is whole seconds; rounding up never cuts a grace period short.
    ...(s.stopGracePeriodMs !== undefined ? { stopGraceSeconds: Math.ceil(s.stopGracePeriodMs / 1000) } : {}),
    ...loggingPlan(s, warn),
  };
}

/** Labels under Berth's own prefix would fake ownership (pruning and recovery read them): warned, not applied. */
function labelsPlan(s: ComposeService, warn: (w: PlanWarning) => void): Pick<ServicePlan, 'labels'> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(s.labels)) {
    if (!key.startsWith(BERTH_LABEL_PREFIX)) labels[key] = value;
    else warn({ reasonCode: 'label_reserved', field: `services.${s.name}.labels.${key}`, message: `services.${s.name}.labels.${key} is not applied: labels under ${BERTH_LABEL_PREFIX} are Berth's own. Use another prefix.` });
  }
  return Object.keys(labels).length ? { labels } : {};
}

/** Compose's healthcheck; `disable` turns off the image's own one too (Docker's NONE). */
function healthcheckPlan(s: ComposeService, warn: (w: PlanWarning) => void): Pick<ServicePlan, 'healthcheck'> {
  const hc = s.healthcheck;
  if (!hc) return {};
  if (hc.disabled) return { healthcheck: { test: ['NONE'] } };
  if (hc.startIntervalMs !== undefined) {
    warn({
      reasonCode: 'healthcheck_start_interval_not_honoured',
      field: `services.${s.name}.healthcheck.start_interval`,
      message: `services.${s.name}.healthcheck.start_interval is not applied: the engine API Berth speaks predates it. The healthcheck probes at its interval from the start; shorten start_period or interval instead.`,
    });
  }
  return { healthcheck: { ...(hc.test ? { test: hc.test } : {}), ...pick(hc, ['intervalMs', 'timeoutMs', 'retries', 'startPeriodMs']) } };
}

/**
 * `depends_on.<svc>.restart: true` restarts the dependent when its dependency restarts, and
 * `required: false` starts it even when the dependency fails: Berth does neither.
 */
function dependsOnWarnings(s: ComposeService, warn: (w: PlanWarning) => void): void {
  for (const d of s.dependsOn) {
    if (d.required === false) {
      warn({
        reasonCode: 'depends_on_optional_not_honoured',
        field: `services.${s.name}.depends_on.${d.service}.required`,
        message: `services.${s.name}.depends_on.${d.service}.required is not applied: Berth starts ${d.service} like any service, and a failure of it fails the deployment. Remove it, or remove the dependency.`,
      });
    }
    if (d.restart !== true) continue;
    warn({
      reasonCode: 'depends_on_restart_not_honoured',
      field: `services.${s.name}.depends_on.${d.service}.restart`,
      message: `services.${s.name}.depends_on.${d.service}.restart is not applied: Berth does not restart ${s.name} when ${d.service} restarts. Make ${s.name} reconnect on its own, or remove it.`,
    });
  }
}

/** A log driver the engine cannot read back would break `berth logs` and diagnose: warned, not applied. */
function loggingPlan(s: ComposeService, warn: (w: PlanWarning) => void): Pick<ServicePlan, 'logging'> {
  if (!s.logging) return {};
  const driver = s.logging.driver;
  if (driver === undefined || (READABLE_LOG_DRIVERS as readonly string[]).includes(driver)) {
    return { logging: { ...(driver ? { driver: driver as LogDriver } : {}), options: s.logging.options } };
  }
  warn({
    reasonCode: 'logging_driver_not_honoured',
    field: `services.${s.name}.logging`,
    message: `services.${s.name}.logging is not applied: Berth reads container logs back, which the ${driver} driver does not allow. Use ${READABLE_LOG_DRIVERS.join(' or ')}, or remove it.`,
  });
  return {};
}

/** build wins over image (compose builds and tags it as image); contexts stay inside the source. */
function buildPlan(s: ComposeService, dir: string | undefined): ServicePlan['build'] {
  if (!s.build) return { kind: 'image', image: s.image ?? '' };
  const at = { fixPath: `services.${s.name}.build`, overridePath: `services.${s.name}.image`, profileField: 'source' };
  if (!dir) throw blocked('compose_build_without_source', `Service ${s.name} builds from source, but this source has no files.`, { evidence: [{ kind: 'config', detail: `services.${s.name}.build` }], ...at });
  const contextDir = inside(dir, s.build.context);
  if (!contextDir) throw blocked('compose_build_context_outside_source', `The build context of ${s.name} is outside the source.`, { evidence: [{ kind: 'config', detail: `services.${s.name}.build.context` }], ...at });
  return {
    kind: 'dockerfile',
    contextDir,
    dockerfile: s.build.dockerfile,
    ...(Object.keys(s.build.args).length ? { args: s.build.args } : {}),
    ...(s.build.target ? { target: s.build.target } : {}),
  };
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Partial<Pick<T, K>>;
}
