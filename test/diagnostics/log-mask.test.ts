import { describe, expect, it } from 'vitest';
import { copySafe } from '../../src/core/diagnostics/copy-safe.js';
import { logMask, maskStrings } from '../../src/core/diagnostics/log-mask.js';

describe('log masking', () => {
  it('masks secret values wherever they appear, and NAME=value forms by name', () => {
    const mask = logMask({ secretNames: ['API_KEY'], env: { API_KEY: 'k-123456', DB_PASSWORD: 'hunter22', PORT: '3000' } });
    expect(mask('calling with k-123456 now')).not.toContain('k-123456');
    expect(mask('login hunter22')).not.toContain('hunter22');
    expect(mask('listening on 3000')).toBe('listening on 3000');
    // A value the control plane could not read is still masked by its name.
    const byName = logMask({ secretNames: ['API_KEY'] });
    for (const line of ['API_KEY=abc', 'API_KEY: abc', '{"API_KEY":"abc"}', "API_KEY='abc'"]) expect(byName(line)).not.toContain('abc');
    expect(byName('OTHER=abc')).toBe('OTHER=abc');
    // Undeclared names that look secret (a build step echoing one) are masked too; URLs are not names.
    const generic = logMask({ secretNames: [] });
    for (const line of ['export GITHUB_TOKEN=abc', 'db_password: abc', '"clientSecret":"abc"']) expect(generic(line)).not.toContain('abc');
    expect(generic('fetch http://abc.example and PORT=8080')).toBe('fetch http://abc.example and PORT=8080');
  });

  it('masks strings nested in values (error details quoting logs)', () => {
    const mask = logMask({ secretNames: [], env: { TOKEN: 'tok-999999' } });
    expect(JSON.stringify(maskStrings({ a: ['x tok-999999'], b: { c: 'tok-999999' } }, mask))).not.toContain('tok-999999');
  });

  it('copy-safe scrubs URL credentials and secret query values', () => {
    const { value } = copySafe({ location: 'https://user:ghp_secret@github.com/a/b.git', url: 'http://x/?token=abc&page=2' });
    expect(JSON.stringify(value)).not.toContain('ghp_secret');
    expect(value.url).toContain('page=2');
    expect(value.url).not.toContain('abc');
  });
});
