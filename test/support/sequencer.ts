import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Store projects one after the other (the two runs of one file never overlap: they share the
// Docker engine), each longest file first: on a clean checkout vitest has no cache and orders by
// file size, so a slow deploy file could start last and run alone. Durations come from a recent
// run (`npm run test:durations` refreshes them).

const DURATIONS = new URL('./durations.json', import.meta.url);
/** A file with no recorded duration is assumed short. */
const UNKNOWN_SECONDS = 5;

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    let seconds: Record<string, number> = {};
    try {
      seconds = JSON.parse(readFileSync(DURATIONS, 'utf8')) as Record<string, number>;
    } catch {
      return super.sort(files);
    }
    const root = this.ctx.config.root;
    const cost = (f: TestSpecification) => seconds[relative(root, f.moduleId)] ?? UNKNOWN_SECONDS;
    const projects = [...new Set(files.map((f) => f.project.name))].sort();
    const phase = (f: TestSpecification) => projects.indexOf(f.project.name);
    return [...files].sort((a, b) => phase(a) - phase(b) || cost(b) - cost(a));
  }
}
