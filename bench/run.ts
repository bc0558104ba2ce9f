// `npm run bench -- <name>` runs bench/<name>.ts (benchmarks are never part of the test suite).
const name = process.argv[2];
if (!name) {
  console.error('usage: npm run bench -- <name>   (e.g. cli-cold-start, up-to-live)');
  process.exit(2);
}
await import(`./${name}.js`);
