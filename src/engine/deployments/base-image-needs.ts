import { baseImagesNamedIn, type BaseImageName } from '../../core/plan/base-images.js';
import type { Plan } from '../../core/plan/plan.js';
import type { ContainerEngine } from '../../ports/container-engine.js';

/**
 * The base images the plan's Dockerfile builds start FROM (Berth's generated ones and the
 * user's); node builds name their own when they run. An unreadable Dockerfile needs none here:
 * its build reports the problem.
 */
export async function baseImagesNeeded(engine: ContainerEngine, plan: Plan): Promise<BaseImageName[]> {
  const names = new Set<BaseImageName>();
  for (const { build } of plan.services) {
    let text: string | undefined;
    if (build.kind === 'generated') text = build.dockerfileText;
    if (build.kind === 'dockerfile') {
      try {
        const [file] = await engine.readContextFiles(build.contextDir, [build.dockerfile]);
        text = file ? Buffer.from(file.content).toString('utf8') : undefined;
      } catch {
        // the build itself reports an unreadable Dockerfile
      }
    }
    for (const name of baseImagesNamedIn(text ?? '')) names.add(name);
  }
  return [...names];
}
