import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import { BERTH_CONFIG_FILE, parseBerthConfig, type BerthConfig } from '../../core/config/berth-config.js';
import { foldEnvFiles } from '../../core/compose/env-file.js';
import { parseComposeDocument, stringifyComposeDocument } from '../../core/compose/parse.js';
import type { SourceProfile } from '../../core/model/profiles.js';

// What `berth up` and `berth plan` send: the source named on the command line (or in berth.yml)
// made absolute, berth.yml's profiles, and a compose document with env_file folded in here,
// where the env files are.

export interface DeployFlags {
  config?: string;
  name?: string;
  ref?: string;
  baseDirectory?: string;
  port?: string;
  project?: string;
  environment?: string;
  preview?: string;
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

export function buildDeployInput(sourceArg: string | undefined, flags: DeployFlags, cwd = process.cwd()): Record<string, unknown> {
  const loaded = loadConfig(sourceArg, cwd, flags);
  const config = loaded?.config ?? {};
  let source: SourceProfile | undefined;
  if (sourceArg) source = inferSource(sourceArg, cwd, flags);
  else if (config.source) {
    const loc = config.source.kind === 'image' || /^[a-z]+:\/\//.test(config.source.location) ? config.source.location : resolve(loaded!.dir, config.source.location);
    source = { ...config.source, location: loc };
  } else source = inferSource(cwd, cwd, flags);
  const input: Record<string, unknown> = {
    name: flags.name ?? config.name ?? defaultName(source),
    source,
    ...(config.runtime ? { runtime: config.runtime } : {}),
    ...(config.health ? { health: config.health } : {}),
    ...(config.access ? { access: config.access } : {}),
    ...(config.network || flags.port ? { network: { ...(config.network ?? {}), ...(flags.port ? { internalPort: Number(flags.port) } : {}) } } : {}),
    ...(flags.project ? { project: flags.project } : {}),
    ...(flags.environment ? { environment: flags.environment } : {}),
  };
  if (flags.preview) {
    const [type, ...rest] = flags.preview.split(':');
    input.preview = { type, id: rest.join(':') };
  }
  if (source.kind === 'compose') input.composeDocument = foldedCompose(source.location);
  return input;
}

/** Reads the compose file and folds env_file into environment, relative to the file. */
function foldedCompose(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined; // detect reports the unreadable source
  }
  const { document } = parseComposeDocument(text, file);
  const folded = foldEnvFiles(document, (p) => {
    const full = isAbsolute(p) ? p : join(dirname(file), p);
    return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
  });
  return stringifyComposeDocument(folded);
}
