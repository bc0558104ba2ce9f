import { nodeImage, STATIC_INTERNAL_PORT } from '../../core/plan/base-images.js';
import type { BuildSettings, Evidence, NodeBuildPlan, Plan, SupportTier } from '../../core/plan/plan.js';
import type { PlanRequest } from '../../ports/sources.js';
import { blocked, explicit, requireDir, singleServicePlan } from './context.js';
import { detectFramework, type Framework, relativeDir } from './node-frameworks.js';
import { type PackageJson, readPackageJson, script, Warnings } from './node-package.js';
import { choosePackageManager, execBin, pnpStartWarning, runScript } from './node-package-manager.js';
import { commandPort, entryStart, entryTexts, listenPort, NODE_DEFAULT_PORT } from './node-start.js';
import { chooseNodeMajor } from './node-version.js';

// A Node.js app described by package.json: the Node.js major, the package manager and its
// frozen install, the framework, then either a server (start command and port) or a
// build-then-serve site (the output directory, served by the static image). Explicit runtime
// commands, runtime.outputDirectory and network.internalPort win over everything inferred here.

export { NODE_DEFAULT_PORT };

export interface NodePlannerOptions {
  /** The control plane's Node.js version (`process.version`): it decides the majors Berth can provide. */
  hostNodeVersion?: string;
}

const TIER_ORDER: SupportTier[] = ['supported', 'best-effort', 'experimental'];
const lowest = (...tiers: SupportTier[]): SupportTier => tiers.reduce((a, b) => (TIER_ORDER.indexOf(b) > TIER_ORDER.indexOf(a) ? b : a));

export async function planNode(req: PlanRequest, opts: NodePlannerOptions = {}): Promise<Plan> {
  const dir = requireDir(req, 'node');
  const pkg = await readPackageJson(dir);
  const { runtime } = req;
  const warnings = new Warnings();
  const evidence: Evidence[] = [{ kind: 'file', detail: 'package.json' }];

  const pm = await choosePackageManager(dir, pkg, warnings);
  evidence.push(...pm.evidence);
  const node = await chooseNodeMajor(dir, pkg, opts.hostNodeVersion ?? process.version, warnings);
  evidence.push(...node.evidence);
  const detected = await detectFramework(dir, pkg, warnings);
  if (detected) evidence.push({ kind: 'framework', detail: detected.name }, ...detected.evidence);

  // An explicit start command makes any app a server; an explicit output directory makes it a site.
  const framework: Framework | undefined = runtime.startCommand && detected?.kind === 'site' ? undefined : detected;
  if (runtime.startCommand && runtime.outputDirectory !== undefined) {
    warnings.add('output_directory_ignored', 'runtime.outputDirectory', 'runtime.outputDirectory is ignored: runtime.startCommand makes the app a server.');
  }
  const site = !runtime.startCommand && (framework?.kind === 'site' || runtime.outputDirectory !== undefined);

  // An explicit empty command means "no such step".
  let install = pm.install;
  if (runtime.installCommand !== undefined) {
    install = runtime.installCommand || undefined;
    evidence.push(explicit('runtime.installCommand'));
  }
  const build = inferBuild(req, pkg, pm.name, detected, evidence); // a site's own build still runs under an explicit start

  const settings = buildSettings(req);
  const base = {
    kind: 'node' as const,
    contextDir: dir,
    node: { major: node.major, image: nodeImage(node.major) },
    packageManager: { name: pm.name, ...(pm.version ? { version: pm.version } : {}), ...(pm.berry !== undefined ? { berry: pm.berry } : {}) },
    installFiles: pm.installFiles,
    ...(install ? { install } : {}),
    ...(build ? { build } : {}),
  };
  const tier = lowest(pm.tier, framework?.tier ?? 'supported');

  if (site) {
    const output = siteOutput(req, framework, evidence);
    // The static server's port is fixed by the base image; routing elsewhere would never answer.
    if (req.network.internalPort !== undefined && req.network.internalPort !== STATIC_INTERNAL_PORT) {
      warnings.add('internal_port_ignored', 'network.internalPort', `network.internalPort is ignored: the built site is served on ${STATIC_INTERNAL_PORT}.`);
    }
    const plan: NodeBuildPlan = { ...base, output, port: STATIC_INTERNAL_PORT, settings };
    return finish(req, { tier, evidence, warnings, build: plan, commands: { ...(install ? { install } : {}), ...(build ? { build } : {}) } });
  }

  const server = framework?.kind === 'server' ? framework : undefined;
  const startFrom = await inferStart(req, dir, pkg, pm.name, server, build !== undefined, evidence);
  const pnpRisk = pnpStartWarning(pm, startFrom.start, warnings);
  const texts = await entryTexts(dir, pkg, [startFrom.text]);
  const port = inferPort(req, startFrom, texts, evidence);
  const loopback = texts.find((t) => bindsLoopback(t.text));
  if (loopback) {
    warnings.add('server_binds_localhost', loopback.file, `${loopback.file} listens on localhost, which nothing outside the container reaches: listen on host 0.0.0.0.`);
  } else if (server?.localhostByDefault && !texts.some((t) => listensEverywhere(t.text)) && !listensEverywhere(startFrom.text)) {
    warnings.add('server_binds_localhost', startFrom.field, `${server.name} listens on 127.0.0.1 unless told otherwise, which nothing outside the container reaches: listen on host 0.0.0.0.`);
  }
  const plan: NodeBuildPlan = { ...base, start: startFrom.start, port, settings };
  return finish(req, {
    tier: pnpRisk ? lowest(tier, 'best-effort') : tier, evidence, warnings, build: plan, env: { PORT: String(port), ...server?.env },
    commands: { ...(install ? { install } : {}), ...(build ? { build } : {}), start: startFrom.start },
  });
}

/**
 * Whether package.json gives the node planner something to build or run: a start or build
 * script, a framework, an entry file, or an explicit runtime command. A package.json without
 * any (dev tooling beside a hand-written site) leaves an index.html to the static planner.
 */
export async function hasNodeApp(req: PlanRequest, dir: string): Promise<boolean> {
  const { runtime } = req;
  if (runtime.installCommand !== undefined || runtime.buildCommand || runtime.startCommand || runtime.outputDirectory !== undefined) return true;
  let pkg: PackageJson;
  try {
    pkg = await readPackageJson(dir);
  } catch {
    return true; // the node planner says what is wrong with it
  }
  if (script(pkg, 'start') !== undefined || script(pkg, 'build') !== undefined) return true;
  if (await detectFramework(dir, pkg, new Warnings()).catch(() => true)) return true;
  return (await entryStart(dir, pkg, false, [])) !== undefined;
}

function finish(req: PlanRequest, p: { tier: SupportTier; evidence: Evidence[]; warnings: Warnings; build: NodeBuildPlan; commands: Plan['commands']; env?: Record<string, string> }): Plan {
  const plan = singleServicePlan(req, {
    planner: 'node',
    supportTier: p.tier,
    evidence: p.evidence,
    commands: p.commands,
    build: p.build,
    internalPort: p.build.port,
    ...(p.env ? { env: p.env } : {}),
    warnings: p.warnings.messages,
  });
  return p.warnings.coded.length ? { ...plan, warningCodes: p.warnings.coded } : plan;
}

export function buildSettings(req: PlanRequest): BuildSettings {
  const b = req.build;
  return {
    ...(b?.env && Object.keys(b.env).length ? { env: { ...b.env } } : {}),
    ...(b?.args && Object.keys(b.args).length ? { args: { ...b.args } } : {}),
    ...(b?.secrets?.length ? { secrets: [...b.secrets] } : {}),
    hostTrust: b?.hostTrust ?? true,
  };
}

function inferBuild(req: PlanRequest, pkg: PackageJson, pm: NodeBuildPlan['packageManager']['name'], framework: Framework | undefined, evidence: Evidence[]): string | undefined {
  if (req.runtime.buildCommand !== undefined) {
    evidence.push(explicit('runtime.buildCommand'));
    return req.runtime.buildCommand || undefined;
  }
  let build: string | undefined;
  if (script(pkg, 'build') !== undefined) {
    build = runScript(pm, 'build');
    if (!evidence.some((e) => e.kind === 'script' && e.detail === 'scripts.build')) evidence.push({ kind: 'script', detail: 'scripts.build' });
  } else if (framework?.defaultBuild) {
    build = execBin(pm, framework.defaultBuild);
  }
  const after = framework?.kind === 'server' ? framework.afterBuild : undefined;
  return build && after ? `${build} && ${after}` : build;
}

function siteOutput(req: PlanRequest, framework: Framework | undefined, evidence: Evidence[]): { dir: string; spaFallback: boolean } {
  const spaFallback = framework?.kind === 'site' ? framework.spaFallback : false;
  if (req.runtime.outputDirectory !== undefined) {
    evidence.push(explicit('runtime.outputDirectory'));
    return { dir: relativeDir(req.runtime.outputDirectory) ?? '.', spaFallback };
  }
  const dir = framework?.kind === 'site' ? framework.outputDir : undefined;
  if (dir === undefined) {
    throw blocked('node_output_unknown', 'The framework config names no output directory Berth can read: set runtime.outputDirectory.', {
      evidence: [...evidence, { kind: 'missing', detail: 'output directory' }],
      fixPath: 'package.json',
      overridePath: 'runtime.outputDirectory',
      profileField: 'runtime.outputDirectory',
    });
  }
  return { dir, spaFallback };
}

interface StartFrom {
  start: string;
  /** The command text that actually runs (the script's body for `npm start`), read for ports and hosts. */
  text: string;
  /** The field it came from, for port evidence. */
  field: string;
}

/** runtime.startCommand, the framework's production entry, scripts.start, its exec'd binary, then an entry file. */
async function inferStart(req: PlanRequest, dir: string, pkg: PackageJson, pm: NodeBuildPlan['packageManager']['name'], server: Extract<Framework, { kind: 'server' }> | undefined, willBuild: boolean, evidence: Evidence[]): Promise<StartFrom> {
  const explicitStart = req.runtime.startCommand;
  if (explicitStart) {
    evidence.push(explicit('runtime.startCommand'));
    return { start: explicitStart, text: explicitStart, field: 'runtime.startCommand' };
  }
  if (server?.start) return { start: server.start, text: server.start, field: server.name };
  const startScript = script(pkg, 'start');
  if (startScript !== undefined) {
    evidence.push({ kind: 'script', detail: 'scripts.start' });
    return { start: runScript(pm, 'start'), text: startScript, field: 'scripts.start' };
  }
  if (server?.execStart) return { start: execBin(pm, server.execStart), text: server.execStart, field: server.name };
  const entry = await entryStart(dir, pkg, willBuild, evidence);
  if (entry) return { start: entry, text: entry, field: entry };
  throw blocked('node_start_missing', 'package.json has no start script and there is no main, server.js or index.js to run.', {
    evidence: [...evidence, { kind: 'missing', detail: 'scripts.start' }, { kind: 'missing', detail: 'server.js' }, { kind: 'missing', detail: 'index.js' }],
    fixPath: 'package.json',
    overridePath: 'runtime.startCommand',
    profileField: 'runtime.startCommand',
  });
}

function inferPort(req: PlanRequest, from: StartFrom, texts: { file: string; text: string }[], evidence: Evidence[]): number {
  if (req.network.internalPort !== undefined) {
    evidence.push(explicit('network.internalPort'));
    return req.network.internalPort;
  }
  const literal = commandPort(from.text);
  if (literal !== undefined) {
    evidence.push({ kind: 'port', detail: `${from.field} ${literal}` });
    return literal;
  }
  const listen = listenPort(texts);
  if (listen) {
    evidence.push({ kind: 'port', detail: `${listen.file} .listen(${listen.port})` });
    return listen.port;
  }
  evidence.push({ kind: 'default', detail: `internalPort ${NODE_DEFAULT_PORT}` });
  return NODE_DEFAULT_PORT;
}

/** Code that binds the loopback interface only: `host: 'localhost'`, `.listen(3000, '127.0.0.1'`. */
function bindsLoopback(text: string): boolean {
  return /\bhost(?:name)?\s*:\s*['"`](?:localhost|127\.0\.0\.1)['"`]|\.listen\(\s*[\w.]+\s*,\s*['"`](?:localhost|127\.0\.0\.1)['"`]/.test(text);
}

/** Code or a command that binds every interface (`0.0.0.0`, `::`, fastify-cli --address). */
function listensEverywhere(text: string): boolean {
  return /0\.0\.0\.0|['"`]::['"`]|--address\b|(?:^|\s)-a\s|FASTIFY_ADDRESS/.test(text);
}
