import { describe, expect, it } from 'vitest';
import { foldEnvFiles, parseEnvFile } from '../../../src/core/compose/env-file.js';
import { composeModel, parseComposeDocument, stringifyComposeDocument, parseCompose } from '../../../src/core/compose/parse.js';
import { thrown } from '../../adapters/sources/fs-fixtures.js';

const files: Record<string, string> = {
  'base.env': '# shared\nA=base\nB=base\nexport C="quoted # not a comment"\nD=plain # comment\n',
  'override.env': "B=override\nE='single $literal'\nF\n",
};
const readFile = (path: string) => files[path];

describe('foldEnvFiles', () => {
  it('merges env files in order (later wins), explicit environment wins, and removes env_file', () => {
    const { document } = parseComposeDocument(
      'services:\n  web:\n    image: nginx\n    env_file: [base.env, override.env, { path: missing.env, required: false }]\n    environment: [A=explicit]\n  db:\n    image: postgres\n',
      'compose.yaml',
    );
    const folded = foldEnvFiles(document, readFile);
    expect(folded.services.web?.env_file).toBeUndefined();
    expect(folded.services.web?.environment).toEqual({ A: 'explicit', B: 'override', C: 'quoted # not a comment', D: 'plain', E: 'single $literal', F: null });
    expect(folded.services.db).toEqual(document.services.db);
    // The input is not mutated, and the folded text is accepted by the control plane.
    expect(document.services.web?.env_file).toBeDefined();
    const model = parseCompose(stringifyComposeDocument(folded), 'compose.yaml');
    expect(model.services[0]?.environment.B).toBe('override');
    expect(composeModel(folded).services).toHaveLength(2);
  });

  it('a required env file that does not exist is source_unreadable; a bad line is validation_failed', () => {
    const { document } = parseComposeDocument('services:\n  web:\n    image: nginx\n    env_file: nope.env\n', 'compose.yaml');
    const err = thrown(() => foldEnvFiles(document, readFile));
    expect(err.code).toBe('source_unreadable');
    expect(err.details).toMatchObject({ location: 'nope.env', reason: 'env_file_missing', service: 'web' });

    const bad = thrown(() => parseEnvFile('OK=1\nnot a valid line\n', 'services.web.env_file'));
    expect(bad.code).toBe('validation_failed');
    expect(bad.details.validationIssuePaths).toEqual(['services.web.env_file']);
    expect(JSON.stringify(bad.details)).not.toContain('not a valid line');
  });
});
