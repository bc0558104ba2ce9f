import { describe, expect, it } from 'vitest';
import { inadmissibleFields, redeployProblems } from '../../../src/core/recovery/profile-check.js';
import { isStale, lastChangeAt } from '../../../src/core/recovery/staleness.js';
import { at, resource } from './fixtures.js';

describe('redeploy profile checks', () => {
  it('a configured profile passes', () => {
    expect(redeployProblems(resource())).toEqual({ reasons: [], fields: [] });
  });

  it('inadmissible combinations name their field', () => {
    expect(inadmissibleFields(resource({ source: { kind: 'image', location: 'nginx:1' }, runtime: { method: 'node' } }))).toEqual(['runtime.method']);
    expect(inadmissibleFields(resource({ source: { kind: 'folder', location: 'relative/app' } }))).toEqual(['source.location']);
    expect(inadmissibleFields(resource({ source: { kind: 'git', location: 'https://example.com/r.git', baseDirectory: '../up' } }))).toEqual(['source.baseDirectory']);
    expect(inadmissibleFields(resource({ runtime: { method: 'image', image: 'nginx:1' } }))).toEqual([]);
  });

  it('a stored value the current schema rejects is drift', () => {
    expect(redeployProblems(resource({ health: { path: 'no-slash', timeoutSeconds: 30, intervalMs: 500 } }))).toEqual({ reasons: ['profile-drifted'], fields: ['health'] });
  });
});

describe('readiness staleness', () => {
  it('is stale only when something changed strictly after generatedAt', () => {
    expect(isStale(at(5), { lastAttemptChangeAt: at(4), resourceUpdatedAt: at(0) })).toBe(false);
    expect(isStale(at(5), { lastAttemptChangeAt: at(5), resourceUpdatedAt: at(0) })).toBe(false);
    expect(isStale(at(5), { lastAttemptChangeAt: at(6), resourceUpdatedAt: at(0) })).toBe(true);
    expect(isStale(at(5), { lastAttemptChangeAt: null, resourceUpdatedAt: at(7) })).toBe(true);
    expect(lastChangeAt({ lastAttemptChangeAt: at(3), resourceUpdatedAt: at(7) })).toBe(at(7));
  });
});
