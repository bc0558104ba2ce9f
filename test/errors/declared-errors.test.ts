import { mkdtempSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/operations/catalogue.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { readObservedErrors, undeclaredErrors } from '../support/observed-errors.js';
import { TEST_ROOT } from '../support/paths.js';

// Every operation's declared `errors` list is checked against what the tests observe: the control
// planes tests start record each (operation, code) they answer, and global-setup's teardown fails
// the run on any code an operation does not declare. This file proves the recording and the check.
describe('declared errors are what operations answer', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => {
    await plane?.close();
  });

  it('an answered error is recorded with its operation', async () => {
    const res = await plane.client.raw('GET', '/api/projects/prj_missing');
    expect(JSON.parse(res.body).error.code).toBe('project_not_found');
    expect(readObservedErrors()).toContainEqual({ operation: 'projects.show', code: 'project_not_found' });
  });

  it('an undeclared code is reported once per operation and code; declared and common ones are not', () => {
    const observed = [
      { operation: 'projects.show', code: 'project_not_found' },
      { operation: 'projects.show', code: 'validation_failed' },
      { operation: 'projects.show', code: 'docker_error' },
      { operation: 'projects.show', code: 'docker_error' },
      { operation: 'tokens.list', code: 'resource_not_found' },
    ];
    expect(undeclaredErrors(observed, OPERATIONS)).toEqual([
      { operation: 'projects.show', code: 'docker_error' },
      { operation: 'tokens.list', code: 'resource_not_found' },
    ]);
  });

  it('reads nothing from a directory that holds no observations', () => {
    expect(readObservedErrors(mkdtempSync(`${TEST_ROOT}/none-`))).toEqual([]);
  });
});
