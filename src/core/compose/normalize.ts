import type { ValidationIssue } from '../errors/validation.js';
import type { ComposeDocument, ComposeServiceDocument } from './schema.js';
import { DEFAULT_NETWORK, SECRETS_DIR, type ComposeHealthcheck, type ComposeSecret, type ComposeSecretMount, type ComposeModel, type ComposeNamedObject, type ComposePort, type ComposeService, type ComposeVolumeMount } from './model.js';
import { parseExposeEntry, parsePortEntry } from './ports.js';
import { shellWords } from './shell-words.js';
import { parseCpus, parseDurationMs, parseMemoryMb } from './units.js';

// Schema-valid document -> typed model. Grammar errors inside strings (ports, durations, sizes,
// quoting) are collected as validation issues with their field path, never echoing the value.

type Issues = ValidationIssue[];
const issue = (issues: Issues, path: string, message: string) => issues.push({ code: 'invalid_input', path, message });

export function normalizeCompose(doc: ComposeDocument, issues: Issues): ComposeModel {
  const warnings: string[] = [];
  const services = Object.entries(doc.services).map(([name, body]) => normalizeService(name, body, issues, warnings));
  return {
    ...(doc.name ? { projectName: doc.name } : {}),
    services,
    networks: namedObjects(doc.networks),
    volumes: namedObjects(doc.volumes),
    secrets: Object.entries(doc.secrets ?? {}).map(([name, d]): ComposeSecret => ({ name, source: d.external ? 'external' : d.file ? 'file' : d.environment ? 'environment' : 'none' })),
    warnings,
  };
}

function normalizeService(name: string, s: ComposeServiceDocument, issues: Issues, warnings: string[]): ComposeService {
  const at = `services.${name}`;
  if (!s.image && !s.build) issue(issues, at, 'Either image or build is required.');
  // Berth starts a new version beside the old one and may run several environments of one
  // file on one engine: a fixed container name would collide, so Berth names containers itself.
  if (s.container_name !== undefined) warnings.push(`${at}.container_name is ignored: Berth names containers so versions can run side by side.`);
  const memory = s.deploy?.resources?.limits?.memory;
  const cpus = s.deploy?.resources?.limits?.cpus;
  const memoryMb = memory === undefined ? undefined : parseMemoryMb(memory);
  const cpuLimit = cpus === undefined ? undefined : parseCpus(cpus);
  if (memory !== undefined && memoryMb === undefined) issue(issues, `${at}.deploy.resources.limits.memory`, 'Expected a size such as 512m or 1g.');
  if (cpus !== undefined && cpuLimit === undefined) issue(issues, `${at}.deploy.resources.limits.cpus`, 'Expected a positive number of CPUs.');
  const command = argv(s.command, `${at}.command`, issues);
  const entrypoint = argv(s.entrypoint, `${at}.entrypoint`, issues);
  const healthcheck = s.healthcheck ? normalizeHealthcheck(s.healthcheck, `${at}.healthcheck`, issues) : undefined;
  const stopGracePeriodMs = s.stop_grace_period === undefined ? undefined : parseDurationMs(s.stop_grace_period);
  if (s.stop_grace_period !== undefined && stopGracePeriodMs === undefined) issue(issues, `${at}.stop_grace_period`, 'Expected a duration such as 10s or 1m30s.');
  return {
    name,
    ...(s.image ? { image: s.image } : {}),
    ...(s.build ? { build: normalizeBuild(s.build) } : {}),
    ...(command ? { command } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    environment: environmentMap(s.environment),
    ports: (s.ports ?? []).flatMap((p, i) => parsePortEntry(p) ?? (issue(issues, `${at}.ports.${i}`, 'Expected [HOST_IP:][HOST:]CONTAINER[/PROTOCOL].'), [] as ComposePort[])),
    expose: (s.expose ?? []).flatMap((p, i) => parseExposeEntry(p) ?? (issue(issues, `${at}.expose.${i}`, 'Expected a port or port range.'), [] as number[])),
    networks: s.networks === undefined ? [DEFAULT_NETWORK] : Array.isArray(s.networks) ? s.networks : Object.keys(s.networks),
    ...networkAliases(s.networks),
    dependsOn: s.depends_on === undefined ? [] : Array.isArray(s.depends_on)
      ? s.depends_on.map((service) => ({ service, condition: 'service_started' as const }))
      : Object.entries(s.depends_on).map(([service, d]) => ({ service, condition: d.condition ?? 'service_started', ...(d.restart !== undefined ? { restart: d.restart } : {}), ...(d.required !== undefined ? { required: d.required } : {}) })),
    ...(healthcheck ? { healthcheck } : {}),
    ...(s.restart ? { restart: s.restart } : {}),
    volumes: (s.volumes ?? []).flatMap((v, i) => normalizeVolume(v) ?? (issue(issues, `${at}.volumes.${i}`, 'Expected [SOURCE:]TARGET[:ro|rw].'), [])),
    labels: stringMap(s.labels),
    limits: { ...(memoryMb ? { memoryMb } : {}), ...(cpuLimit ? { cpus: cpuLimit } : {}) },
    ...(s.deploy?.replicas !== undefined ? { replicas: s.deploy.replicas } : {}),
    ...(s.logging ? { logging: { ...(s.logging.driver ? { driver: s.logging.driver } : {}), options: stringMap(s.logging.options) } } : {}),
    ...(s.hostname !== undefined ? { hostname: s.hostname } : {}),
    ...(s.user !== undefined ? { user: s.user } : {}),
    ...(s.stop_signal !== undefined ? { stopSignal: s.stop_signal } : {}),
    ...(stopGracePeriodMs !== undefined ? { stopGracePeriodMs } : {}),
    secrets: (s.secrets ?? []).flatMap((ref, i) => secretMount(ref, `${at}.secrets.${i}`, issues)),
  };
}

function networkAliases(networks: ComposeServiceDocument['networks']): Pick<ComposeService, 'networkAliases'> {
  if (networks === undefined || Array.isArray(networks)) return {};
  const aliases = Object.fromEntries(Object.entries(networks).flatMap(([n, d]) => (d?.aliases?.length ? [[n, d.aliases]] : [])));
  return Object.keys(aliases).length ? { networkAliases: aliases } : {};
}

function secretMount(ref: NonNullable<ComposeServiceDocument['secrets']>[number], at: string, issues: Issues): ComposeSecretMount[] {
  if (typeof ref === 'string') return [{ source: ref, target: `${SECRETS_DIR}/${ref}` }];
  const target = ref.target === undefined ? `${SECRETS_DIR}/${ref.source}` : ref.target.startsWith('/') ? ref.target : `${SECRETS_DIR}/${ref.target}`;
  if (target.split('/').includes('..')) return (issue(issues, `${at}.target`, 'A secret target cannot climb out with "..".'), []);
  const id = (key: 'uid' | 'gid') => {
    const v = ref[key];
    if (v === undefined) return undefined;
    if (/^\d+$/.test(v)) return Number(v);
    issue(issues, `${at}.${key}`, 'Expected a numeric id.');
    return undefined;
  };
  const uid = id('uid');
  const gid = id('gid');
  const mode = ref.mode === undefined ? undefined : octalMode(ref.mode);
  if (ref.mode !== undefined && mode === undefined) issue(issues, `${at}.mode`, 'Expected an octal file mode such as 0440.');
  return [{ source: ref.source, target, ...(uid !== undefined ? { uid } : {}), ...(gid !== undefined ? { gid } : {}), ...(mode !== undefined ? { mode } : {}) }];
}

/**
 * Compose writes modes in octal (`mode: 0440`), which YAML 1.2 reads as the decimal 440: the
 * digits are read back as octal, as compose does. A value with an 8 or 9 was already a number.
 */
function octalMode(value: number): number | undefined {
  const digits = String(value);
  const mode = /^[0-7]+$/.test(digits) ? parseInt(digits, 8) : value;
  return mode <= 0o7777 ? mode : undefined;
}

function normalizeBuild(build: NonNullable<ComposeServiceDocument['build']>): NonNullable<ComposeService['build']> {
  if (typeof build === 'string') return { context: build, dockerfile: 'Dockerfile', args: {} };
  return { context: build.context ?? '.', dockerfile: build.dockerfile ?? 'Dockerfile', args: stringMap(build.args), ...(build.target ? { target: build.target } : {}) };
}

function argv(value: string | string[] | undefined, path: string, issues: Issues): string[] | undefined {
  if (value === undefined || Array.isArray(value)) return value;
  const words = shellWords(value);
  if (!words) issue(issues, path, 'A quote is not closed.');
  return words;
}

function normalizeHealthcheck(h: NonNullable<ComposeServiceDocument['healthcheck']>, at: string, issues: Issues): ComposeHealthcheck {
  const duration = (key: 'interval' | 'timeout' | 'start_period' | 'start_interval', text: string | undefined) => {
    if (text === undefined) return undefined;
    const ms = parseDurationMs(text);
    if (ms === undefined) issue(issues, `${at}.${key}`, 'Expected a duration such as 10s or 1m30s.');
    return ms;
  };
  const test = h.test === undefined ? undefined : typeof h.test === 'string' ? ['CMD-SHELL', h.test] : h.test;
  // Docker refuses any other first word when the container is created: say so at plan time.
  if (test && !['CMD', 'CMD-SHELL', 'NONE'].includes(test[0] ?? '')) issue(issues, `${at}.test`, 'Expected ["CMD", ...], ["CMD-SHELL", "command"] or ["NONE"].');
  const intervalMs = duration('interval', h.interval);
  const timeoutMs = duration('timeout', h.timeout);
  const startPeriodMs = duration('start_period', h.start_period);
  const startIntervalMs = duration('start_interval', h.start_interval);
  return {
    ...(test ? { test } : {}),
    ...(intervalMs !== undefined ? { intervalMs } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(h.retries !== undefined ? { retries: h.retries } : {}),
    ...(startPeriodMs !== undefined ? { startPeriodMs } : {}),
    ...(startIntervalMs !== undefined ? { startIntervalMs } : {}),
    // `test: ["NONE"]` is compose's other spelling of disable.
    disabled: h.disable === true || test?.[0] === 'NONE',
  };
}

function normalizeVolume(v: NonNullable<ComposeServiceDocument['volumes']>[number]): ComposeVolumeMount[] | undefined {
  if (typeof v !== 'string') {
    return [{ type: v.type, ...(v.source ? { source: v.source } : {}), target: v.target, readOnly: v.read_only ?? false }];
  }
  const parts = v.split(':');
  if (parts.length === 1) return parts[0]?.startsWith('/') ? [{ type: 'volume', target: v, readOnly: false }] : undefined;
  const [source = '', target = '', mode] = parts;
  if (parts.length > 3 || !target.startsWith('/') || !source) return undefined;
  const modes = mode?.split(',') ?? [];
  if (modes.some((m) => !['ro', 'rw', 'z', 'Z'].includes(m))) return undefined;
  const bind = /^[./~]/.test(source);
  return [{ type: bind ? 'bind' : 'volume', source, target, readOnly: modes.includes('ro') }];
}

/** Map or `KEY=value` list -> map; a bare `KEY` (or a null value) means "from the shell". */
export function environmentMap(value: ComposeServiceDocument['environment']): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (value === undefined) return out;
  if (Array.isArray(value)) {
    for (const item of value) {
      const eq = item.indexOf('=');
      if (eq < 0) out[item] = null;
      else out[item.slice(0, eq)] = item.slice(eq + 1);
    }
    return out;
  }
  for (const [k, v] of Object.entries(value)) out[k] = v === null ? null : String(v);
  return out;
}

function stringMap(value: ComposeServiceDocument['labels']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(environmentMap(value))) out[k] = v ?? '';
  return out;
}

function namedObjects(defs: ComposeDocument['networks'] | ComposeDocument['volumes']): ComposeNamedObject[] {
  return Object.entries(defs ?? {}).map(([name, d]) => ({
    name,
    external: d?.external ?? false,
    ...(d?.driver ? { driver: d.driver } : {}),
    ...(d && 'internal' in d && typeof d.internal === 'boolean' ? { internal: d.internal } : {}),
    ...(d?.name ? { fixedName: d.name } : {}),
  }));
}
