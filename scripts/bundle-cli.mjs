// Bundles the CLI into dist/bundle/cli/berth.js (bin/berth.js runs it): one file to load instead
// of hundreds of modules, with each command's code split into a chunk loaded only when it runs.
// `berth serve` stays in the unbundled dist: the control plane reads its migrations, PGlite
// template and console files beside its own modules.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const OUT = 'dist/bundle/cli';
rmSync(OUT, { recursive: true, force: true });

/** The control plane's entry is loaded from dist/main, next to the files it reads. */
const serveUnbundled = {
  name: 'serve-unbundled',
  setup(b) {
    b.onResolve({ filter: /\/serve-command\.js$/ }, () => ({ path: '../../main/serve-command.js', external: true }));
  },
};

await build({
  entryPoints: { berth: 'src/main/cli.ts' },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Chunks sit beside the entry, as deep as dist/<layer>/<dir>/: modules that find files relative to
  // their own place (the client finds bin/berth.js three levels up) find them from here too.
  chunkNames: '[name]-[hash]',
  // CommonJS dependencies (commander, yaml...) call require(); ESM output has none of its own.
  banner: { js: "import { createRequire as __berthRequire } from 'node:module'; const require = __berthRequire(import.meta.url);" },
  external: ['@electric-sql/pglite', 'pg', 'dockerode', 'ssh2', 'cpu-features'],
  plugins: [serveUnbundled],
  logLevel: 'warning',
});

// The bundle carries the committed command manifest; say so loudly when it lags the catalogue.
const { commandManifestSource, MANIFEST_FILE } = await import('../dist/main/cli-manifest.js');
const { readFileSync } = await import('node:fs');
if (readFileSync(MANIFEST_FILE, 'utf8') !== commandManifestSource()) {
  console.error(`warning: ${MANIFEST_FILE} is stale (the CLI would show old commands); run \`npm run docs\` and build again.`);
}
