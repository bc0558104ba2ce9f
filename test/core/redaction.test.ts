import { describe, expect, it } from 'vitest';
import { redact, REDACTED } from '../../src/core/redaction/redact.js';
import { BerthError, toBerthError } from '../../src/core/errors/berth-error.js';

describe('redaction', () => {
  it('masks secret-named fields and every value of an environment map, and names them', () => {
    const { value, redactedFields } = redact({
      name: 'web',
      tokenId: 'tok_1',
      password: 'hunter2',
      nested: { apiKey: 'k', privateKey: '-----BEGIN' },
      env: { DATABASE_URL: 'postgres://u:p@h/db', PORT: '3000' },
    });
    expect(value).toEqual({
      name: 'web',
      tokenId: 'tok_1',
      password: REDACTED,
      nested: { apiKey: REDACTED, privateKey: REDACTED },
      env: { DATABASE_URL: REDACTED, PORT: REDACTED },
    });
    expect(redactedFields.sort()).toEqual(['env.DATABASE_URL', 'env.PORT', 'nested.apiKey', 'nested.privateKey', 'password']);
  });

  it('error details are redacted at construction', () => {
    const e = new BerthError('docker_error', 'x', { operation: 'pull', registryPassword: 'p' });
    expect(e.toObject().details).toEqual({ operation: 'pull', registryPassword: REDACTED });
  });

  it('an unexpected throw becomes internal without its message', () => {
    const e = toBerthError(new TypeError('secret connection string postgres://u:p@h'), 'corr-1').toObject();
    expect(e.code).toBe('internal');
    expect(e.responsibility).toBe('berth');
    expect(e.details).toEqual({ reason: 'TypeError', correlationId: 'corr-1' });
    expect(JSON.stringify(e)).not.toContain('postgres://');
  });
});
