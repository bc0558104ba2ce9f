import { describe, expect, it } from 'vitest';
import { berthConfigJsonSchema, parseBerthConfig } from '../../../src/core/config/berth-config.js';
import { thrown } from '../../adapters/sources/fs-fixtures.js';

describe('berth.yml', () => {
  it('parses every section with the profile schemas (and their defaults)', () => {
    const config = parseBerthConfig(`
name: shop
source: { kind: git, location: ., gitRef: main, baseDirectory: apps/shop }
runtime: { method: node, installCommand: npm ci, startCommand: node server.js, memoryMb: 256, cpus: 0.5 }
network: { internalPort: 8080 }
health: { path: /healthz, expectStatus: 204 }
access: { hostLabel: shop, domains: [shop.example.test] }
`);
    expect(config).toEqual({
      name: 'shop',
      source: { kind: 'git', location: '.', gitRef: 'main', baseDirectory: 'apps/shop' },
      runtime: { method: 'node', installCommand: 'npm ci', startCommand: 'node server.js', memoryMb: 256, cpus: 0.5 },
      network: { internalPort: 8080 },
      health: { path: '/healthz', expectStatus: 204, timeoutSeconds: 30, intervalMs: 500 },
      access: { hostLabel: 'shop', domains: ['shop.example.test'] },
    });
    expect(parseBerthConfig('')).toEqual({});
    expect(parseBerthConfig('runtime: {}\n').runtime).toEqual({ method: 'auto' });
  });

  it('a YAML syntax error is parse_failed with file, line and column', () => {
    const err = thrown(() => parseBerthConfig('name: shop\nruntime: { method: node\n', 'apps/shop/berth.yml'));
    expect(err.code).toBe('parse_failed');
    expect(err.phase).toBe('command-validation');
    expect(err.details).toMatchObject({ file: 'apps/shop/berth.yml', line: expect.any(Number), column: expect.any(Number) });
  });

  it('schema violations are validation_failed naming the field', () => {
    const cases: [string, string, string][] = [
      ['name: shop\ncolour: blue\n', 'colour', 'unsupported_field'],
      ['runtime: { method: rust }\n', 'runtime.method', 'invalid_input'],
      ['runtime: { startCmd: x }\n', 'runtime.startCmd', 'unsupported_field'],
      ['network: { internalPort: 70000 }\n', 'network.internalPort', 'invalid_input'],
      ['health: { path: healthz }\n', 'health.path', 'invalid_input'],
      ['name: Not_Valid\n', 'name', 'invalid_input'],
      ['source: { kind: git }\n', 'source.location', 'invalid_input'],
      ['[1, 2]\n', '(input)', 'invalid_input'],
    ];
    for (const [text, path, code] of cases) {
      const err = thrown(() => parseBerthConfig(text));
      expect(err.code, text).toBe('validation_failed');
      expect(err.details.validationIssuePaths, text).toContain(path);
      expect(err.details.validationIssueCodes, text).toContain(code);
      expect(err.details.file).toBe('berth.yml');
    }
  });

  it('exports a strict JSON Schema where defaulted fields are optional', () => {
    const schema = berthConfigJsonSchema() as { additionalProperties: boolean; properties: Record<string, { required?: string[]; properties?: Record<string, unknown> }> };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(['name', 'source', 'runtime', 'network', 'health', 'access']);
    expect(schema.properties.source?.required).toEqual(['kind', 'location']);
    expect(schema.properties.runtime?.required ?? []).not.toContain('method');
    expect(Object.keys(schema.properties.runtime?.properties ?? {})).toContain('startCommand');
  });
});
