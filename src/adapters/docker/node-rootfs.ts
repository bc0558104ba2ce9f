import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NodeRuntime } from '../../core/plan/base-images.js';
import { BaseImagePrerequisiteMissing, PATH_ENV } from './base-image-contexts.js';
import type { RootfsRecipe } from './debian-rootfs.js';

// What goes into a berth/node image: Debian minbase with ca-certificates, then Node.js either
// from this host (its binary, npm and corepack under /usr/local) or from Debian's nodejs and npm
// packages. Corepack always comes from the host: Debian's nodejs package leaves it out.

/** Bumped when a node recipe changes: part of the rootfs cache key and of the image's Comment (r4: Debian based). */
export const NODE_RECIPE_REVISION = '4';

/** The Node.js tools installed next to this host's node (<prefix>/bin/node, <prefix>/lib/node_modules). */
export interface HostNodeTools {
  node: string;
  version: string;
  npm: string;
  npmVersion: string;
  corepack: string;
  corepackVersion: string;
}

function packageVersion(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

export function hostNodeTools(nodePath = process.execPath, version = process.version): HostNodeTools {
  const node = realpathSync(nodePath);
  const modules = join(dirname(dirname(node)), 'lib/node_modules');
  const npm = join(modules, 'npm');
  const corepack = join(modules, 'corepack');
  if (!existsSync(join(npm, 'bin/npm-cli.js'))) throw new BaseImagePrerequisiteMissing(`npm not found next to ${node} (expected ${npm})`);
  if (!existsSync(join(corepack, 'dist/corepack.js'))) throw new BaseImagePrerequisiteMissing(`corepack not found next to ${node} (expected ${corepack})`);
  return { node, version, npm, npmVersion: packageVersion(npm), corepack, corepackVersion: packageVersion(corepack) };
}

/** A node image to make: its rootfs recipe, its image config, and what its Comment records. */
export interface NodeImageRecipe {
  rootfs: RootfsRecipe;
  changes: string[];
  /** The host versions the image was made from, for its Comment (a change makes it stale). */
  made: string;
}

const shim = (node: string, script: string): string => `#!/bin/sh\nexec ${node} ${script} "$@"\n`;

function writeExecutable(root: string, absolute: string, text: string): void {
  const target = join(root, absolute);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);
  chmodSync(target, 0o755);
}

/** Corepack under /usr/local/lib/node_modules with its /usr/local/bin shim, run by `node`. */
function layCorepack(root: string, tools: HostNodeTools, node: string): void {
  cpSync(tools.corepack, join(root, 'usr/local/lib/node_modules/corepack'), { recursive: true, verbatimSymlinks: true });
  writeExecutable(root, '/usr/local/bin/corepack', shim(node, '/usr/local/lib/node_modules/corepack/dist/corepack.js'));
}

const CHANGES = [`ENV PATH=${PATH_ENV} HOME=/root COREPACK_ENABLE_DOWNLOAD_PROMPT=0`, 'WORKDIR /app', 'CMD ["node"]'];

export function nodeImageRecipe(runtime: NodeRuntime, tools: HostNodeTools = hostNodeTools()): NodeImageRecipe {
  if (runtime.source === 'host') {
    const hostMajor = Number(/^v?(\d+)/.exec(tools.version)?.[1]);
    if (hostMajor !== runtime.major) throw new BaseImagePrerequisiteMissing(`this host runs Node.js ${tools.version}, not ${runtime.major}`);
    const made = `node ${tools.version} npm ${tools.npmVersion} corepack ${tools.corepackVersion}`;
    const node = '/usr/local/bin/node';
    return {
      made,
      changes: CHANGES,
      rootfs: {
        kind: 'node-host',
        key: `r${NODE_RECIPE_REVISION} ${made}`,
        include: ['ca-certificates'],
        overlay: (root) => {
          mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
          copyFileSync(tools.node, join(root, node));
          chmodSync(join(root, node), 0o755);
          cpSync(tools.npm, join(root, 'usr/local/lib/node_modules/npm'), { recursive: true, verbatimSymlinks: true });
          // Shims, not symlinks to the scripts: an explicit node path does not depend on PATH.
          writeExecutable(root, '/usr/local/bin/npm', shim(node, '/usr/local/lib/node_modules/npm/bin/npm-cli.js'));
          writeExecutable(root, '/usr/local/bin/npx', shim(node, '/usr/local/lib/node_modules/npm/bin/npx-cli.js'));
          layCorepack(root, tools, node);
          mkdirSync(join(root, 'app'));
        },
        // The host's binary must run on Debian's libraries: checked in the new root itself.
        checks: [[node, '--version'], ['/usr/local/bin/npm', '--version'], ['/usr/local/bin/corepack', '--version']],
      },
    };
  }
  const made = `debian nodejs corepack ${tools.corepackVersion}`;
  return {
    made,
    changes: CHANGES,
    rootfs: {
      kind: `node-debian-${runtime.major}`,
      key: `r${NODE_RECIPE_REVISION} ${made}`,
      include: ['ca-certificates', 'nodejs', 'npm'],
      overlay: (root) => {
        layCorepack(root, tools, '/usr/bin/node');
        mkdirSync(join(root, 'app'));
      },
      checks: [
        // Debian's nodejs must be the major this image is named for.
        ['/usr/bin/node', '-e', `process.exit(process.versions.node.split('.')[0] === '${runtime.major}' ? 0 : 1)`],
        ['/usr/bin/npm', '--version'],
        ['/usr/local/bin/corepack', '--version'],
      ],
    },
  };
}
