import { classifyInstallFailure } from '../../core/deployments/install-failure.js';
import { logMask } from '../../core/diagnostics/log-mask.js';
import { BerthError } from '../../core/errors/berth-error.js';
import type { NodeBuildPlan, ServicePlan } from '../../core/plan/plan.js';
import { withDeadline } from './deadline.js';
import type { ExecuteInput } from './execute.js';
import { containerName, imageTag, ownershipLabels } from './labels.js';
import { appDockerfile, NODE_CONTEXT_EXCLUDE } from './node-dockerfile.js';
import { DEPS_FROM_LABEL, DEPS_KEY_LABEL, depsKey, depsTag, INSTALL_RUNNER_ENV, installCommand, installStdin } from './node-install.js';

// A node build in two steps. The install runs in a container holding only the install files and
// is committed as a deps image keyed by its inputs (an unchanged lockfile reuses it); the app
// image is then built FROM it (node-dockerfile.ts).

/** Install output kept for classifying a failure (the cause is near the end). */
const KEPT_LINES = 2000;

/** The base images a node build needs, named as prepareBaseImages will take them. */
export function nodeBaseImageNames(build: NodeBuildPlan): ('static' | `node:${number}`)[] {
  return [`node:${build.node.major}`, ...(build.output ? (['static'] as const) : [])];
}

/** Builds a node service's image; returns the artifact entry. */
export async function buildNodeService(x: ExecuteInput, service: ServicePlan, build: NodeBuildPlan): Promise<{ image: string; imageId: string }> {
  const { engine } = x.target;
  await withDeadline('base-images', x.settings.deadlines.build, x.signal, () => x.target.prepareBaseImages(nodeBaseImageNames(build)));
  const nodeImageId = await engine.imageId(build.node.image);
  if (!nodeImageId) {
    throw new BerthError('image_build_failed', `The base image ${build.node.image} is missing.`, { step: 'base-images', exitCode: null, logTail: '', reason: 'base-image-missing', image: build.node.image });
  }
  const secrets = buildSecrets(x, service, build);
  const deps = build.install ? await installDependencies(x, service, build, nodeImageId, secrets) : undefined;
  const from = deps?.tag ?? build.node.image;

  const tag = imageTag(x.resourceName, service.name, x.deployment.id);
  const dockerfile = appDockerfile(build, from);
  await x.journal.event('step', 'execute', { step: 'build', service: service.name });
  let tail: string[] = [];
  const built = await x.providerJob('build', service.name).around(async (log) => {
    try {
      return await withDeadline('build', x.settings.deadlines.build, x.signal, (signal) =>
        engine.build({
          contextDir: build.contextDir,
          dockerfile: { text: dockerfile.text },
          buildArgs: dockerfile.buildArgs,
          exclude: NODE_CONTEXT_EXCLUDE,
          tag,
          // deps-from names the deps image this one is built FROM (a site's final stage is not,
          // but its build still was), so pruning keeps it while this image is kept. An image
          // built FROM a deps image inherits its deps-key label, so that label is blanked.
          labels: { ...ownershipLabels(x.deployment, service.name), ...(deps ? { [DEPS_FROM_LABEL]: deps.key, [DEPS_KEY_LABEL]: '' } : {}) },
          signal,
          onLog: (line) => log.line(line),
        }),
      );
    } catch (err) {
      // The site's build ran but wrote nothing where the plan expects its output.
      if (err instanceof BerthError && err.code === 'image_build_failed' && dockerfile.outputCheck && err.details.step === dockerfile.outputCheck) {
        throw new BerthError('image_build_failed', `The build wrote no ${build.output!.dir} directory to serve.`, { ...err.details, reason: 'output-missing', outputDir: build.output!.dir });
      }
      throw err;
    } finally {
      tail = log.tail(10);
    }
  });
  await x.journal.event('log', 'execute', { step: 'build', service: service.name, tail });
  return { image: tag, imageId: built.imageId };
}

/** The values of build.secrets, from the resource's secrets; a name without one stops the build here. */
function buildSecrets(x: ExecuteInput, service: ServicePlan, build: NodeBuildPlan): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of build.settings.secrets ?? []) {
    const value = x.secrets?.[name];
    if (value === undefined) {
      throw new BerthError('build_secret_missing', `build.secrets names ${name}, which the resource does not have.`, { service: service.name, secretName: name });
    }
    out[name] = value;
  }
  return out;
}

/** The deps image's tag and key: reused when its key matches, else installed and committed now. */
async function installDependencies(x: ExecuteInput, service: ServicePlan, build: NodeBuildPlan, nodeImageId: string, secrets: Record<string, string>): Promise<{ tag: string; key: string }> {
  const { engine } = x.target;
  const trust = build.settings.hostTrust ? x.settings.hostTrust : undefined;
  const files = await engine.readContextFiles(build.contextDir, build.installFiles);
  const key = depsKey({ resourceId: x.deployment.resourceId, nodeImageId, files, build, hostTrust: trust !== undefined });
  const tag = depsTag(key);
  if (await engine.imageId(tag)) {
    await x.journal.event('step', 'execute', { step: 'install', service: service.name, cached: true });
    return { tag, key };
  }
  await x.journal.event('step', 'execute', { step: 'install', service: service.name, cached: false });
  const labels = { ...ownershipLabels(x.deployment, service.name), [DEPS_KEY_LABEL]: key };
  // Secret values are masked by value before a line is kept anywhere (log, details).
  const mask = logMask({ secretNames: Object.keys(secrets), env: secrets });
  const lines: string[] = [];
  const result = await x.providerJob('install', service.name).around(async (log) => {
    log.line(`install: ${build.install}`);
    const task = await withDeadline('install', x.settings.deadlines.build, x.signal, (signal) =>
      engine.runTask({
        name: containerName(x.resourceName, `${service.name}-install`, x.deployment.id),
        image: build.node.image,
        command: installCommand(build.install!),
        workingDir: '/app',
        files,
        stdin: installStdin({ runner: INSTALL_RUNNER_ENV, env: build.settings.env ?? {}, secrets, ...(trust ? { ca: trust.caBundle, proxy: trust.proxy } : {}) }),
        labels,
        // The deps image keeps the install container's labels (the attempt that made it, for
        // crash cleanup); app images built FROM it set their own. Its command is the image's again.
        commit: { tag, labels, cmd: ['node'] },
        signal,
        onLog: (raw) => {
          const line = mask(raw);
          lines.push(line);
          if (lines.length > KEPT_LINES) lines.shift();
          log.line(line);
        },
      }),
    );
    if (task.exitCode !== 0) throw installFailure(service, build, task.exitCode, lines);
    log.line(`committed ${tag} (${task.imageId})`);
    return tag;
  });
  await x.journal.event('log', 'execute', { step: 'install', service: service.name, tail: lines.slice(-10) });
  return { tag: result, key };
}

function installFailure(service: ServicePlan, build: NodeBuildPlan, exitCode: number, lines: string[]): BerthError {
  const failure = classifyInstallFailure(lines);
  return new BerthError('dependency_install_failed', `The dependency install (${build.install}) failed: ${failure.reason}.`, {
    service: service.name,
    reason: failure.reason,
    packageManager: build.packageManager.name,
    exitCode,
    logTail: failure.logTail.join('\n'),
    ...(failure.library ? { library: failure.library } : {}),
  });
}
