import { parseCompose } from '../../core/compose/parse.js';
import type { ComposeModel, ComposeService } from '../../core/compose/model.js';
import { DEFAULT_EDGE_HTTP_PORT, edgePorts } from '../../core/compose/checks.js';
import type { Evidence, Plan, ServicePlan } from '../../core/plan/plan.js';
import type { PlanRequest } from '../../ports/sources.js';
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
  const services = model.services.map((s) => servicePlan(s, model, dir, s.name === route.service ? route.port : undefined, warnings));
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

function servicePlan(s: ComposeService, model: ComposeModel, dir: string | undefined, internalPort: number | undefined, warnings: string[]): ServicePlan {
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
    ...(volumes.length ? { volumes } : {}),
    ...(secretFiles.length ? { secretFiles } : {}),
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
