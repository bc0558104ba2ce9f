#!/usr/bin/env node
// The CLI runs from its bundle (scripts/bundle-cli.mjs). Without one, it says so and runs the
// unbundled build, which works the same, only slower to start.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/bundle/cli/berth.js', import.meta.url);
if (existsSync(bundle)) await import(bundle.href);
else {
  process.stderr.write('berth: dist/bundle/cli/berth.js is missing (run `npm run build`); running the unbundled CLI.\n');
  await import('../dist/main/cli.js');
}
