import { posix } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import { BASE_IMAGES, staticCommand } from '../../core/plan/base-images.js';
import type { NodeBuildPlan } from '../../core/plan/plan.js';

// The app image of a node build, on top of its dependencies: the sources copied over the
// installed node_modules (the context leaves node_modules and .git out), the build run, then
// either the start command, or a second stage from the static image holding only the output.

/** Left out of the app image's context: the deps image already holds node_modules. */
export const NODE_CONTEXT_EXCLUDE = ['**/node_modules', '.git'];

/** A RUN line; exec form when the command would break shell form (newlines, trailing "\"). */
function run(command: string): string {
  return /\n|\\\s*$/.test(command) ? `RUN ${JSON.stringify(['sh', '-c', command])}` : `RUN ${command}`;
}

/** A double-quoted Dockerfile word: `\`, `"` and `$` escaped (ENV would expand `$`). */
const quoted = (value: string) => `"${value.replace(/[\\"$]/g, '\\$&')}"`;
const shellQuoted = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** ENV lines; a value with a newline cannot be written in a Dockerfile line, so it arrives as a build arg. */
function envLines(env: Record<string, string>): { lines: string[]; buildArgs: Record<string, string> } {
  const lines: string[] = [];
  const buildArgs: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!/[\r\n]/.test(value)) {
      lines.push(`ENV ${name}=${quoted(value)}`);
      continue;
    }
    const arg = `BERTH_ENV_${name}`;
    buildArgs[arg] = value;
    lines.push(`ARG ${arg}`, `ENV ${name}=\${${arg}}`);
  }
  return { lines, buildArgs };
}

/** The output directory inside the build stage; it must stay inside /app. */
export function outputPath(dir: string): string {
  const path = posix.join('/app', dir);
  if (path !== '/app' && !path.startsWith('/app/')) {
    throw new BerthError('image_build_failed', `The output directory ${dir} is outside the app.`, { step: 'output', exitCode: null, logTail: '', reason: 'output-invalid', outputDir: dir });
  }
  return path.replace(/\/+$/, '');
}

export interface AppDockerfile {
  text: string;
  buildArgs: Record<string, string>;
  /** The step that fails when a site's build wrote no output directory (the build's step text). */
  outputCheck?: string;
}

/** `from`: the deps image, or the node image when there is nothing to install. */
export function appDockerfile(build: NodeBuildPlan, from: string): AppDockerfile {
  const env = envLines(build.settings.env ?? {});
  const stage = [
    `FROM ${from}`,
    'WORKDIR /app',
    'COPY . .',
    ...env.lines,
    ...Object.keys(build.settings.args ?? {}).map((name) => `ARG ${name}`),
    ...(build.build ? [run(build.build)] : []),
  ];
  const buildArgs = { ...(build.settings.args ?? {}), ...env.buildArgs };
  if (!build.output) {
    const start = build.start ?? 'npm start';
    return {
      text: [...stage, `ENV PORT=${build.port}`, `EXPOSE ${build.port}`, `CMD ${JSON.stringify(['sh', '-c', start])}`, ''].join('\n'),
      buildArgs,
    };
  }
  const output = outputPath(build.output.dir);
  const outputCheck = `RUN test -d ${shellQuoted(output)} || (echo ${shellQuoted(`berth: the build wrote no ${build.output.dir}`)} >&2 && exit 1)`;
  return {
    text: [...stage, outputCheck, `FROM ${BASE_IMAGES.static}`, `COPY --from=0 ${JSON.stringify([output, '/srv'])}`, `CMD ${JSON.stringify(staticCommand(build.output.spaFallback))}`, ''].join('\n'),
    buildArgs,
    outputCheck,
  };
}
