import { describe, expect, it } from 'vitest';
import { createDockerEngine } from '../../../src/adapters/docker/docker-engine.js';

// The engine walks disk usage one caller at a time and refuses (409) a concurrent /system/df:
// a capacity report running beside another client's must wait its turn, not fail docker_error.
describe('engine disk usage', () => {
  it('concurrent usage reports all succeed', async () => {
    const engine = createDockerEngine({});
    const reports = await Promise.all([1, 2, 3, 4].map(() => engine.usage()));
    // Each is a whole report; their image counts may differ, as other clients build meanwhile.
    for (const r of reports) {
      expect(r.layersBytes).toBeGreaterThanOrEqual(0);
      expect(Array.isArray(r.images)).toBe(true);
    }
  });
});
