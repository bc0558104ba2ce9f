import { parseCompose } from '../../core/compose/parse.js';
import type { ComposeModel, ComposeService } from '../../core/compose/model.js';
import type { Evidence, Plan, ServicePlan } from '../../core/plan/plan.js';
import type { NetworkProfile } from '../../core/model/profiles.js';
import type { PlanRequest } from '../../ports/sources.js';
import { COMPOSE_FILE_NAMES } from '../sources/compose.js';
import { blocked, healthPlan, inside, isFile, portMissing, readText, unusedCommands } from './context.js';

// A compose stack: one ServicePlan per service. The document is the one the client folded
// (PlanRequest.composeDocument) when sent, else the file in the source — which must then hold
// no env_file, since the control plane never reads a user's env files.

export async function planCompose(req: PlanRequest): Promise<Plan> {
  const { text, file, evidence } = await composeText(req);
  const model = parseCompose(text, file, 'plan');
  const dir = req.source.dir;
  const warnings = [...model.warnings, ...unusedCommands(req, ['installCommand', 'buildCommand', 'startCommand'], 'compose')];
  const route = routedService(model, req.network, evidence);
  const services = model.services.map((s) => servicePlan(s, dir, s.name === route.service ? route.port : undefined, warnings));
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
  };
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

/**
 * The access URL reaches one service on one port. Compose has no "public" flag, so: with
 * network.internalPort set, the first service listening on that port (by ports: or expose:),
 * else the first service that listens on anything, else the first service, on that port.
 * Without it, the first service (in file order: authors list the entry point first) that
 * publishes or exposes a port, on the first port it lists.
 */
export function routedService(model: ComposeModel, network: NetworkProfile, evidence: Evidence[]): { service: string; port: number } {
  const listens = (s: ComposeService) => [...s.ports.map((p) => p.container), ...s.expose];
  const wanted = network.internalPort;
  if (wanted !== undefined) {
    const chosen = model.services.find((s) => listens(s).includes(wanted)) ?? model.services.find((s) => listens(s).length > 0) ?? model.services[0];
    evidence.push({ kind: 'explicit', detail: 'network.internalPort' });
    return { service: chosen?.name ?? '', port: wanted };
  }
  for (const s of model.services) {
    const port = listens(s)[0];
    if (port !== undefined) {
      evidence.push({ kind: 'config', detail: `services.${s.name} listens on ${port}` });
      return { service: s.name, port };
    }
  }
  throw portMissing([...evidence, { kind: 'missing', detail: 'ports/expose on any service' }]);
}

function servicePlan(s: ComposeService, dir: string | undefined, internalPort: number | undefined, warnings: string[]): ServicePlan {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(s.environment)) {
    if (value === null) warnings.push(`services.${s.name}.environment.${key} has no value and is left unset.`);
    else env[key] = value;
  }
  const published = s.ports.filter((p) => p.host !== undefined);
  const expose = [...new Set([...s.ports.filter((p) => p.host === undefined).map((p) => p.container), ...s.expose])];
  const conditions = Object.fromEntries(s.dependsOn.filter((d) => d.condition !== 'service_started').map((d) => [d.service, d.condition]));
  const hc = s.healthcheck;
  return {
    name: s.name,
    build: buildPlan(s, dir),
    ...(s.command ? { command: s.command } : {}),
    ...(s.entrypoint ? { entrypoint: s.entrypoint } : {}),
    ...(Object.keys(env).length ? { env } : {}),
    ...(internalPort !== undefined ? { internalPort } : {}),
    ...(published.length ? { publish: published.map((p) => ({ host: p.host ?? 0, container: p.container, protocol: p.protocol })) } : {}),
    ...(expose.length ? { expose } : {}),
    networks: s.networks,
    dependsOn: s.dependsOn.map((d) => d.service),
    ...(Object.keys(conditions).length ? { dependsOnCondition: conditions } : {}),
    healthcheckDefined: hc !== undefined && !hc.disabled,
    ...(hc && !hc.disabled ? { healthcheck: { ...(hc.test ? { test: hc.test } : {}), ...pick(hc, ['intervalMs', 'timeoutMs', 'retries', 'startPeriodMs']) } } : {}),
    ...(s.restart ? { restart: s.restart } : {}),
    ...(s.replicas !== undefined ? { replicas: s.replicas } : {}),
    ...(Object.keys(s.labels).length ? { labels: s.labels } : {}),
    ...(s.limits.memoryMb !== undefined ? { memoryMb: s.limits.memoryMb } : {}),
    ...(s.limits.cpus !== undefined ? { cpus: s.limits.cpus } : {}),
    ...(s.volumes.length ? { volumes: s.volumes.map((v) => ({ source: v.source ?? '', target: v.target, readOnly: v.readOnly, type: v.type })) } : {}),
  };
}

/** build wins over image (compose builds and tags it as image); contexts stay inside the source. */
function buildPlan(s: ComposeService, dir: string | undefined): ServicePlan['build'] {
  if (!s.build) return { kind: 'image', image: s.image ?? '' };
  const at = { fixPath: `services.${s.name}.build`, overridePath: `services.${s.name}.image`, profileField: 'source' };
  if (!dir) throw blocked('compose_build_without_source', `Service ${s.name} builds from source, but this source has no files.`, { evidence: [{ kind: 'config', detail: `services.${s.name}.build` }], ...at });
  const contextDir = inside(dir, s.build.context);
  if (!contextDir) throw blocked('compose_build_context_outside_source', `The build context of ${s.name} is outside the source.`, { evidence: [{ kind: 'config', detail: `services.${s.name}.build.context` }], ...at });
  return { kind: 'dockerfile', contextDir, dockerfile: s.build.dockerfile, ...(Object.keys(s.build.args).length ? { args: s.build.args } : {}) };
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Partial<Pick<T, K>>;
}
