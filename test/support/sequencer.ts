import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Longest files first across both store projects (vitest's default runs the projects one after
// the other and, on a clean checkout with no cache, orders by file size): the slow deploy files
// start at once and the short ones fill the gaps, so the run ends when the work does, not on one
// late straggler. Durations come from a recent run (`npm run test:durations` refreshes them).

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
    return [...files].sort((a, b) => cost(b) - cost(a));
  }
}
