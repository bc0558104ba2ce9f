import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import { BERTH_CONFIG_FILE, parseBerthConfig, type BerthConfig } from '../../core/config/berth-config.js';
import { DOT_ENV_FILE, foldEnvFiles, stackVariables } from '../../core/compose/env-file.js';
import type { ComposeDocument } from '../../core/compose/schema.js';
import { secretName } from '../../core/governance/secret-name.js';
import type { Variables } from '../../core/compose/interpolate.js';
import { parseComposeDocument, stringifyComposeDocument } from '../../core/compose/parse.js';
import type { SourceProfile } from '../../core/model/profiles.js';

// What `berth up` and `berth plan` send: the source named on the command line (or in berth.yml)
// made absolute, berth.yml's profiles, and a compose document interpolated (the shell and the
// stack's .env) with env_file folded in here, where the files are, plus the contents of its
// `file:` secrets, which the control plane stores as resource secrets.

export interface DeployFlags {
  config?: string;
  name?: string;
  ref?: string;
  baseDirectory?: string;
  port?: string;
  project?: string;
  environment?: string;
  preview?: string;
  /** `berth up --relink`: repoint an existing resource at this source. */
  relink?: boolean;
  /** `berth up --server NAME`: the server to deploy to. */
  server?: string;
}

const COMPOSE_FILE = /(^|[/\\])(docker-)?compose(\.[\w-]+)?\.ya?ml$/i;

/** folder | git | zip | compose | image, from what the argument names. */
export function inferSource(arg: string, cwd: string, flags: Pick<DeployFlags, 'ref' | 'baseDirectory'>): SourceProfile {
  const extra = { ...(flags.ref ? { gitRef: flags.ref } : {}), ...(flags.baseDirectory ? { baseDirectory: flags.baseDirectory } : {}) };
  if (/^(file|https?|ssh|git):\/\//.test(arg) || /\.git$/.test(arg)) return { kind: 'git', location: arg.startsWith('file://') || /^[a-z]+:\/\//.test(arg) ? arg : resolve(cwd, arg), ...extra };
  const path = isAbsolute(arg) ? arg : resolve(cwd, arg);
  if (existsSync(path)) {
    const st = statSync(path);
    if (st.isDirectory()) return { kind: flags.ref ? 'git' : 'folder', location: path, ...extra };
    if (/\.zip$/i.test(path)) return { kind: 'zip', location: path, ...extra };
    if (COMPOSE_FILE.test(path)) return { kind: 'compose', location: path };
    return { kind: 'folder', location: path, ...extra };
  }
  if (/^[./~]/.test(arg) || arg.includes('\\')) return { kind: 'folder', location: path, ...extra }; // a missing path: detect reports it
  return { kind: 'image', location: arg };
}

function loadConfig(sourceArg: string | undefined, cwd: string, flags: DeployFlags): { config: BerthConfig; dir: string } | undefined {
  let file: string | undefined;
  if (flags.config) file = resolve(cwd, flags.config);
  else {
    const base = sourceArg && existsSync(resolve(cwd, sourceArg)) && statSync(resolve(cwd, sourceArg)).isDirectory() ? resolve(cwd, sourceArg) : sourceArg ? undefined : cwd;
    if (base && existsSync(join(base, BERTH_CONFIG_FILE))) file = join(base, BERTH_CONFIG_FILE);
  }
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new BerthError('source_unreadable', 'The config file cannot be read.', { location: file, reason: 'unreadable' }, 'command-validation');
  }
  return { config: parseBerthConfig(text, file), dir: dirname(file) };
}

const sanitize = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63) || 'app';

export function defaultName(source: SourceProfile): string {
  if (source.kind === 'image') return sanitize(source.location.split('/').pop()!.split(/[:@]/)[0]!);
  const loc = source.location.replace(/\/+$/, '').replace(/\.git$/, '');
  const name = source.kind === 'compose' ? basename(dirname(loc)) : basename(loc).replace(/\.zip$/i, '');
  return sanitize(name);
}

/** The source the command line (or berth.yml) names, and the berth.yml it came with. */
export function deploySource(sourceArg: string | undefined, flags: DeployFlags, cwd = process.cwd()): { config: BerthConfig; source: SourceProfile } {
  const loaded = loadConfig(sourceArg, cwd, flags);
  const config = loaded?.config ?? {};
  if (sourceArg) return { config, source: inferSource(sourceArg, cwd, flags) };
  if (config.source) {
    const loc = config.source.kind === 'image' || /^[a-z]+:\/\//.test(config.source.location) ? config.source.location : resolve(loaded!.dir, config.source.location);
    return { config, source: { ...config.source, location: loc } };
  }
  return { config, source: inferSource(cwd, cwd, flags) };
}

export function buildDeployInput(sourceArg: string | undefined, flags: DeployFlags, cwd = process.cwd(), shell: Variables = process.env): Record<string, unknown> {
  const { config, source } = deploySource(sourceArg, flags, cwd);
  const input: Record<string, unknown> = {
    name: flags.name ?? config.name ?? defaultName(source),
    source,
    ...(config.runtime ? { runtime: config.runtime } : {}),
    ...(config.build ? { build: config.build } : {}),
    ...(config.health ? { health: config.health } : {}),
    ...(config.access ? { access: config.access } : {}),
    ...(config.network || flags.port ? { network: { ...(config.network ?? {}), ...(flags.port ? { internalPort: Number(flags.port) } : {}) } } : {}),
    ...(flags.project ? { project: flags.project } : {}),
    ...(flags.environment ? { environment: flags.environment } : {}),
    ...(flags.relink ? { relink: true } : {}),
    ...(flags.server ? { server: flags.server } : {}),
  };
  if (flags.preview) {
    const [type, ...rest] = flags.preview.split(':');
    input.preview = { type, id: rest.join(':') };
  }
  if (source.kind === 'compose') {
    const folded = foldedCompose(source.location, shell);
    if (folded) {
      input.composeDocument = folded.text;
      if (Object.keys(folded.secrets).length) input.composeSecrets = folded.secrets;
    }
  }
  return input;
}

/** Reads the compose file, interpolates it, folds env_file into environment and reads its secret files, relative to the file. */
function foldedCompose(file: string, shell: Variables): { text: string; secrets: Record<string, string> } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // detect reports the unreadable source
  }
  const read = (p: string) => {
    const full = isAbsolute(p) ? p : join(dirname(file), p);
    return existsSync(full) && statSync(full).isFile() ? readFileSync(full, 'utf8') : undefined;
  };
  const variables = stackVariables(read(DOT_ENV_FILE), shell);
  const { document } = parseComposeDocument(text, file, undefined, variables);
  const folded = foldEnvFiles(document, read, variables);
  return { text: stringifyComposeDocument(folded), secrets: secretFiles(folded, read) };
}

/**
 * The contents of the `file:` secrets the services mount. Other sources, and names that cannot
 * be resource secret names, are left to the plan, which blocks them with a reason code.
 */
function secretFiles(doc: ComposeDocument, read: (p: string) => string | undefined): Record<string, string> {
  const used = new Set(Object.values(doc.services).flatMap((s) => (s.secrets ?? []).map((ref) => (typeof ref === 'string' ? ref : ref.source))));
  const out: Record<string, string> = {};
  for (const [name, def] of Object.entries(doc.secrets ?? {})) {
    if (!used.has(name) || !def.file || def.external || def.environment || !secretName.safeParse(name).success) continue;
    const content = read(def.file);
    if (content === undefined) throw new BerthError('source_unreadable', `Secret ${name}: file ${def.file} does not exist.`, { location: def.file, reason: 'secret_file_missing' }, 'command-validation');
    out[name] = content;
  }
  return out;
}
