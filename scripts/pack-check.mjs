// What `npm pack` would publish (from the current build): fails unless the CLI bundle, the
// control plane's unbundled entry, the SQL migrations, the PGlite template and the console are in,
// and no sources, tests or source maps are. Prints the file count and the packed size.
import { execFileSync } from 'node:child_process';

const [report] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }));
const files = report.files.map((f) => f.path);
const need = [/^bin\/berth\.js$/, /^dist\/bundle\/cli\/berth\.js$/, /^dist\/main\/serve-command\.js$/, /^dist\/adapters\/store\/migrations\/.+\.sql$/, /^dist\/adapters\/store\/pglite-template\.tar\.gz$/, /^dist\/console\/index\.html$/, /^package\.json$/, /^README\.md$/];
const forbid = [/^src\//, /^test\//, /^bench\//, /\.map$/, /^node_modules\//];
const missing = need.filter((re) => !files.some((f) => re.test(f)));
const extra = files.filter((f) => forbid.some((re) => re.test(f)));
if (missing.length || extra.length) {
  console.error(`npm pack is wrong:\n  missing ${missing.join(' ')}\n  not for publishing ${extra.slice(0, 10).join(' ')}`);
  process.exit(1);
}
console.log(`${report.name}@${report.version}: ${files.length} files, ${(report.size / 1e6).toFixed(1)} MB packed`);
