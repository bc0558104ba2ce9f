import { describeProgram, type CommandNode } from '../surfaces/cli/manifest.js';
import { fullProgram } from './cli-program.js';

// The command manifest is generated from the full program and committed as data
// (src/surfaces/cli/command-manifest.json); `npm run docs -- --check` fails when it is stale.

export const MANIFEST_FILE = 'src/surfaces/cli/command-manifest.json';

export function commandManifest(): CommandNode {
  const io = { out: () => undefined, err: () => undefined, exit: () => undefined };
  return describeProgram(fullProgram({ io, connect: async () => undefined as never, version: '' }));
}

export function commandManifestSource(manifest: CommandNode = commandManifest()): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
