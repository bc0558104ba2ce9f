import { posix } from 'node:path';
import type { Evidence, SupportTier } from '../../core/plan/plan.js';
import { blocked, isFile, readText } from './context.js';
import { type PackageJson, type Warnings, hasDep, isRecord, script } from './node-package.js';

// Frameworks the node planner knows, from package.json dependencies and the framework's config
// file (read as text, never run: only literal values are understood).
//
// A build-then-serve site builds in the node image and its output directory is served by the
// static image. A server runs its start command in the node image.
//
// Support tiers: the frameworks Berth's own tests deploy end to end (Vite, Create React App,
// Next.js with next start or a static export, Express/Koa/Fastify through their start script)
// are supported; the others are detected the same way but best-effort.

export interface SiteFramework {
  kind: 'site';
  name: string;
  /** Undefined when the framework's config names no readable output directory. */
  outputDir?: string;
  spaFallback: boolean;
  /** The framework's own build, when package.json has no build script. */
  defaultBuild?: string;
  tier: SupportTier;
  evidence: Evidence[];
}

export interface ServerFramework {
  kind: 'server';
  name: string;
  /** The framework's production entry, run directly (not through a script). */
  start?: string;
  /** A binary to exec through the manager when package.json has no start script. */
  execStart?: string;
  defaultBuild?: string;
  /** Shell appended to the inferred build (next standalone copies its assets). */
  afterBuild?: string;
  /** Runtime variables the server needs to listen on every interface. */
  env?: Record<string, string>;
  /** The server listens on 127.0.0.1 unless the code says otherwise (Fastify). */
  localhostByDefault?: boolean;
  tier: SupportTier;
  evidence: Evidence[];
}

export type Framework = SiteFramework | ServerFramework;

/** Plain HTTP server libraries: with one of these and a start script, the app is the server. */
const SERVER_LIBRARIES = ['express', 'koa', 'fastify', '@hapi/hapi', 'hono', '@hono/node-server'];

const CONFIG_EXTS = ['js', 'mjs', 'cjs', 'ts', 'mts', 'cts'];

interface ConfigFile {
  file: string;
  text: string;
}

async function config(dir: string, base: string): Promise<ConfigFile | undefined> {
  for (const ext of CONFIG_EXTS) {
    const file = `${base}.${ext}`;
    const text = await readText(dir, file);
    if (text !== undefined) return { file, text };
  }
  return undefined;
}

/** The literal string value of `key: '...'` in config text, when there is exactly one spelling of it. */
export function literal(text: string | undefined, key: string): string | undefined {
  if (text === undefined) return undefined;
  const values = new Set([...text.matchAll(new RegExp(`(?:^|[\\s{,])${key}\\s*:\\s*(['"\`])([^'"\`\\n$]*)\\1`, 'g'))].map((m) => m[2] ?? ''));
  return values.size === 1 ? [...values][0] : undefined;
}

/** A relative directory inside the app, normalised (`./dist/` -> `dist`); undefined when it climbs out or is absolute. */
export function relativeDir(value: string | undefined): string | undefined {
  if (value === undefined || value === '' || value.startsWith('/') || /^[A-Za-z]:/.test(value)) return undefined;
  const norm = posix.normalize(value.replace(/\\/g, '/')).replace(/\/+$/, '');
  if (norm === '..' || norm.startsWith('../')) return undefined;
  return norm === '' ? '.' : norm;
}

const dep = (name: string): Evidence => ({ kind: 'dependency', detail: name });
const cfg = (detail: string): Evidence => ({ kind: 'config', detail });

export async function detectFramework(dir: string, pkg: PackageJson, warnings: Warnings): Promise<Framework | undefined> {
  const build = script(pkg, 'build');
  const start = script(pkg, 'start');

  if (hasDep(pkg, 'next')) return next(dir, start);
  if (hasDep(pkg, 'nuxt')) {
    // `nuxt generate` prerenders every page: a static site in .output/public.
    if (build?.includes('nuxt generate')) {
      return { kind: 'site', name: 'nuxt', outputDir: '.output/public', spaFallback: false, tier: 'best-effort', evidence: [dep('nuxt'), { kind: 'script', detail: 'scripts.build nuxt generate' }] };
    }
    return { kind: 'server', name: 'nuxt', start: 'node .output/server/index.mjs', defaultBuild: 'nuxt build', tier: 'best-effort', evidence: [dep('nuxt')] };
  }
  const remix = ['@remix-run/dev', '@remix-run/serve', '@react-router/dev'].find((d) => hasDep(pkg, d));
  if (remix) return { kind: 'server', name: 'remix', tier: 'best-effort', evidence: [dep(remix)] };
  if (hasDep(pkg, '@sveltejs/kit')) return sveltekit(dir, pkg, warnings);
  if (hasDep(pkg, 'astro')) return astro(dir, pkg);
  if (hasDep(pkg, '@angular/core') && (await isFile(dir, 'angular.json'))) return angular(dir, warnings);
  if (hasDep(pkg, '@docusaurus/core')) {
    return { kind: 'site', name: 'docusaurus', outputDir: 'build', spaFallback: false, defaultBuild: 'docusaurus build', tier: 'best-effort', evidence: [dep('@docusaurus/core')] };
  }
  if (hasDep(pkg, '@vue/cli-service')) {
    const c = await config(dir, 'vue.config');
    const out = relativeDir(literal(c?.text, 'outputDir'));
    return {
      kind: 'site', name: 'vue-cli', outputDir: out ?? 'dist', spaFallback: true, defaultBuild: 'vue-cli-service build', tier: 'best-effort',
      evidence: [dep('@vue/cli-service'), ...(c && out ? [cfg(`${c.file} outputDir`)] : [])],
    };
  }
  if (hasDep(pkg, 'react-scripts')) {
    return { kind: 'site', name: 'create-react-app', outputDir: 'build', spaFallback: true, defaultBuild: 'react-scripts build', tier: 'supported', evidence: [dep('react-scripts')] };
  }
  if (hasDep(pkg, '@nestjs/core')) {
    // `nest start` compiles again on every start; the production entry is the build's dist/main.
    return { kind: 'server', name: 'nestjs', ...(build !== undefined ? { start: 'node dist/main' } : {}), tier: 'best-effort', evidence: [dep('@nestjs/core')] };
  }
  const server = SERVER_LIBRARIES.find((d) => hasDep(pkg, d));
  if (hasDep(pkg, 'vite') && build !== undefined && !(server && start !== undefined)) return vite(dir);
  if (server) {
    return { kind: 'server', name: server, ...(server === 'fastify' ? { localhostByDefault: true } : {}), tier: 'supported', evidence: [dep(server)] };
  }
  return undefined;
}

async function next(dir: string, start: string | undefined): Promise<Framework> {
  const c = await config(dir, 'next.config');
  const output = literal(c?.text, 'output');
  const evidence = [dep('next'), ...(c && output ? [cfg(`${c.file} output ${output}`)] : [])];
  if (output === 'export') return { kind: 'site', name: 'next', outputDir: 'out', spaFallback: false, defaultBuild: 'next build', tier: 'supported', evidence };
  if (output === 'standalone') {
    // The standalone server does not carry the static assets: the build copies them beside it, as
    // Next.js documents. HOSTNAME: Docker sets it to the container id, and the server binds to it.
    return {
      kind: 'server', name: 'next', start: 'node .next/standalone/server.js', defaultBuild: 'next build',
      afterBuild: 'cp -r .next/static .next/standalone/.next/static && if [ -d public ]; then cp -r public .next/standalone/public; fi',
      env: { HOSTNAME: '0.0.0.0' }, tier: 'best-effort', evidence,
    };
  }
  // A start script wins (it may be a custom server); without one, next start through the manager.
  return { kind: 'server', name: 'next', ...(start === undefined ? { execStart: 'next start' } : {}), defaultBuild: 'next build', tier: 'supported', evidence };
}

async function vite(dir: string): Promise<SiteFramework> {
  const c = await config(dir, 'vite.config');
  const outDir = literal(c?.text, 'outDir');
  const root = relativeDir(literal(c?.text, 'root'));
  const out = relativeDir(outDir === undefined ? undefined : posix.join(root ?? '.', outDir));
  return {
    kind: 'site', name: 'vite', outputDir: out ?? posix.join(root ?? '.', 'dist'), spaFallback: true, tier: 'supported',
    evidence: [dep('vite'), { kind: 'script', detail: 'scripts.build' }, ...(c && out ? [cfg(`${c.file} build.outDir`)] : [])],
  };
}

async function sveltekit(dir: string, pkg: PackageJson, warnings: Warnings): Promise<Framework> {
  const c = await config(dir, 'svelte.config');
  const adapters = ['static', 'node', 'auto', 'vercel', 'netlify', 'cloudflare'].map((a) => `@sveltejs/adapter-${a}`);
  const adapter = adapters.find((a) => c?.text.includes(a)) ?? adapters.find((a) => hasDep(pkg, a));
  const evidence = [dep('@sveltejs/kit'), ...(adapter ? [c?.text.includes(adapter) ? cfg(`${c.file} ${adapter}`) : dep(adapter)] : [])];
  if (adapter === '@sveltejs/adapter-static') {
    const pages = relativeDir(literal(c?.text, 'pages'));
    const fallback = literal(c?.text, 'fallback');
    if (fallback !== undefined && fallback !== 'index.html') {
      warnings.add('spa_fallback_file', `${c?.file ?? 'svelte.config.js'} fallback`, `The static server answers unknown paths with index.html, not ${fallback}: set fallback to index.html for deep links to load the app shell.`);
    }
    return { kind: 'site', name: 'sveltekit', outputDir: pages ?? 'build', spaFallback: fallback !== undefined, defaultBuild: 'vite build', tier: 'best-effort', evidence };
  }
  if (adapter === '@sveltejs/adapter-node') {
    const out = relativeDir(literal(c?.text, 'out')) ?? 'build';
    return { kind: 'server', name: 'sveltekit', start: `node ${out}`, defaultBuild: 'vite build', tier: 'best-effort', evidence };
  }
  throw blocked('framework_adapter_unsupported', `SvelteKit builds for its adapter (${adapter ?? 'none'}); Berth runs @sveltejs/adapter-node servers and @sveltejs/adapter-static sites.`, {
    evidence, fixPath: c?.file ?? 'svelte.config.js', overridePath: 'runtime.startCommand', profileField: 'runtime.startCommand',
  });
}

async function astro(dir: string, pkg: PackageJson): Promise<Framework> {
  const c = await config(dir, 'astro.config');
  const outDir = relativeDir(literal(c?.text, 'outDir')) ?? 'dist';
  const output = literal(c?.text, 'output');
  const adapterSet = c !== undefined && /(?:^|[\s{,])adapter\s*:/.test(c.text);
  const evidence = [dep('astro'), ...(c && literal(c.text, 'outDir') ? [cfg(`${c.file} outDir`)] : [])];
  if (!adapterSet && output !== 'server' && output !== 'hybrid') {
    return { kind: 'site', name: 'astro', outputDir: outDir, spaFallback: false, defaultBuild: 'astro build', tier: 'best-effort', evidence };
  }
  // Server rendering: only the Node adapter's standalone server runs on Berth.
  const adapter = ['node', 'vercel', 'netlify', 'cloudflare', 'deno'].map((a) => `@astrojs/${a}`).find((a) => c?.text.includes(a) || hasDep(pkg, a));
  evidence.push(...(adapter ? [cfg(`${c?.file ?? 'astro.config.mjs'} ${adapter}`)] : []));
  if (adapter === '@astrojs/node') {
    // The standalone server listens on HOST, localhost when unset.
    return { kind: 'server', name: 'astro', start: `node ${outDir}/server/entry.mjs`, defaultBuild: 'astro build', env: { HOST: '0.0.0.0' }, tier: 'best-effort', evidence };
  }
  throw blocked('framework_adapter_unsupported', `Astro renders on a server through its adapter (${adapter ?? 'none'}); Berth runs the @astrojs/node adapter, or a static build.`, {
    evidence, fixPath: c?.file ?? 'astro.config.mjs', overridePath: 'runtime.startCommand', profileField: 'runtime.startCommand',
  });
}

/** Angular: the output path of the default project's build target, from angular.json. */
async function angular(dir: string, warnings: Warnings): Promise<Framework> {
  const evidence: Evidence[] = [dep('@angular/core'), { kind: 'file', detail: 'angular.json' }];
  const base = { name: 'angular', defaultBuild: 'ng build', tier: 'best-effort' as const, evidence };
  const ws = parseJsonc(await readText(dir, 'angular.json'));
  const projects = isRecord(ws) && isRecord(ws.projects) ? ws.projects : undefined;
  const names = projects ? Object.keys(projects) : [];
  const name = isRecord(ws) && typeof ws.defaultProject === 'string' && projects?.[ws.defaultProject] ? ws.defaultProject
    : names.find((n) => isRecord(projects?.[n]) && (projects?.[n] as Record<string, unknown>).projectType === 'application') ?? names[0];
  const project = name !== undefined && isRecord(projects?.[name]) ? (projects?.[name] as Record<string, unknown>) : undefined;
  const targets = project && (isRecord(project.architect) ? project.architect : isRecord(project.targets) ? project.targets : undefined);
  const target = isRecord(targets?.build) ? targets.build : undefined;
  if (!name || !target) {
    warnings.add('angular_build_unreadable', 'angular.json', 'angular.json names no project with a build target: set runtime.outputDirectory.');
    return { kind: 'site', spaFallback: true, ...base };
  }
  evidence.push(cfg(`angular.json projects.${name}.build`));
  const builder = typeof target.builder === 'string' ? target.builder : '';
  const options = isRecord(target.options) ? target.options : {};
  // The application builder (Angular 17+) writes browser/ and server/ under its output path.
  const application = /:application$/.test(builder);
  const op = options.outputPath;
  let outBase: string | undefined;
  let browser = application ? 'browser' : '';
  if (typeof op === 'string') outBase = relativeDir(op);
  else if (isRecord(op)) {
    outBase = relativeDir(typeof op.base === 'string' ? op.base : undefined);
    if (typeof op.browser === 'string') browser = op.browser;
  } else outBase = `dist/${name}`;
  if (outBase === undefined) {
    warnings.add('angular_build_unreadable', `angular.json projects.${name}.build outputPath`, 'angular.json outputPath is not a relative path inside the app: set runtime.outputDirectory.');
    return { kind: 'site', spaFallback: true, ...base };
  }
  if (application && (options.ssr || options.server)) {
    return { kind: 'server', start: `node ${outBase}/server/server.mjs`, ...base };
  }
  return { kind: 'site', outputDir: browser ? posix.join(outBase, browser) : outBase, spaFallback: true, ...base };
}

/** JSON that may carry `//` and block comments, as angular.json may. */
function parseJsonc(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(text.replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (m, str: string | undefined) => str ?? ''));
    } catch {
      return undefined;
    }
  }
}
