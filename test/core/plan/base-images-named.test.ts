import { describe, expect, it } from 'vitest';
import { baseImagesNamedIn } from '../../../src/core/plan/base-images.js';

// Only the base images a build starts FROM are made before it: a static site must not wait for
// the node images (each is a Debian root made with mmdebstrap).
describe('the base images a Dockerfile names', () => {
  it('finds Berth base images in every stage, with or without a platform or a stage name', () => {
    const text = 'FROM --platform=linux/amd64 berth/node:18 AS deps\nRUN npm ci\nfrom berth/static:1\nCOPY --from=deps /app/dist /srv\n';
    expect(baseImagesNamedIn(text).sort()).toEqual(['node:18', 'static']);
  });

  it('ignores other images, other tags and text that is not a FROM line', () => {
    expect(baseImagesNamedIn('FROM node:20-slim\nFROM berth/static:2\nRUN echo FROM berth/node:20\n')).toEqual([]);
  });
});
