#!/usr/bin/env node
// Writes test/support/durations.json (seconds per test file) from the last vitest JSON report,
// for the longest-first sequencer. Run after a full `npm test`: `npm run test:durations`.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const report = JSON.parse(readFileSync('.berth-test/results.json', 'utf8'));
const out = {};
for (const file of report.testResults) {
  // The JSON reporter names files, not projects: a file that ran once per store keeps its longer run.
  const path = relative(process.cwd(), file.name);
  const seconds = Math.round((file.endTime - file.startTime) / 100) / 10;
  out[path] = Math.max(out[path] ?? 0, seconds);
}
const sorted = Object.fromEntries(Object.entries(out).sort(([, a], [, b]) => b - a));
writeFileSync('test/support/durations.json', `${JSON.stringify(sorted, null, 2)}\n`);
console.log(`${Object.keys(sorted).length} files`);
