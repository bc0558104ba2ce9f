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

  it('parses the build section: env, args, secret names, and hostTrust defaulting to true', () => {
    const config = parseBerthConfig(`
build:
  env: { NODE_ENV: production, _FLAG: "1" }
  args: { APP_VERSION: 1.4.2 }
  secrets: [NPM_TOKEN]
`);
    expect(config.build).toEqual({ env: { NODE_ENV: 'production', _FLAG: '1' }, args: { APP_VERSION: '1.4.2' }, secrets: ['NPM_TOKEN'], hostTrust: true });
    expect(parseBerthConfig('build: { hostTrust: false }\n').build).toEqual({ hostTrust: false });
    expect(parseBerthConfig('build: {}\n').build).toEqual({ hostTrust: true });
  });

  it('build: an unknown field is unsupported_field, a bad name or value validation_failed naming the field', () => {
    const cases: [string, string, string][] = [
      ['build: { cache: true }\n', 'build.cache', 'unsupported_field'],
      ['build: { env: { NODE_ENV: production }, secret: [X] }\n', 'build.secret', 'unsupported_field'],
      ['build: { env: { 1BAD: x } }\n', 'build.env.1BAD', 'invalid_input'],
      ['build: { env: { BAD-NAME: x } }\n', 'build.env.BAD-NAME', 'invalid_input'],
      ['build: { args: { "A B": x } }\n', 'build.args.A B', 'invalid_input'],
      ['build: { env: { PORT: 3000 } }\n', 'build.env.PORT', 'invalid_input'],
      ['build: { secrets: [npm-token] }\n', 'build.secrets.0', 'invalid_input'],
      ['build: { secrets: NPM_TOKEN }\n', 'build.secrets', 'invalid_input'],
      ['build: { hostTrust: "no" }\n', 'build.hostTrust', 'invalid_input'],
    ];
    for (const [text, path, code] of cases) {
      const err = thrown(() => parseBerthConfig(text));
      expect(err.code, text).toBe('validation_failed');
      expect(err.details.validationIssuePaths, text).toContain(path);
      expect(err.details.validationIssueCodes, text).toContain(code);
    }
  });

  it('exports a strict JSON Schema where defaulted fields are optional', () => {
    const schema = berthConfigJsonSchema() as { additionalProperties: boolean; properties: Record<string, { required?: string[]; properties?: Record<string, unknown> }> };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(['name', 'source', 'runtime', 'build', 'network', 'health', 'access']);
    expect(schema.properties.source?.required).toEqual(['kind', 'location']);
    expect(schema.properties.runtime?.required ?? []).not.toContain('method');
    expect(Object.keys(schema.properties.runtime?.properties ?? {})).toContain('startCommand');
    expect(schema.properties.build?.required ?? []).toEqual([]);
    expect(Object.keys(schema.properties.build?.properties ?? {})).toEqual(['env', 'args', 'secrets', 'hostTrust']);
  });

  it('every field of every section carries a description, which the JSON Schema exports', () => {
    type Node = { description?: string; properties?: Record<string, Node> };
    const schema = berthConfigJsonSchema() as Node;
    for (const [section, node] of Object.entries(schema.properties ?? {})) {
      expect(node.description, section).toBeTruthy();
      for (const [field, f] of Object.entries(node.properties ?? {})) expect(f.description, `${section}.${field}`).toBeTruthy();
    }
  });
});
