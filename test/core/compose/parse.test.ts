import { describe, expect, it } from 'vitest';
import { LEGACY_SERVICE_FIELDS } from '../../../src/core/compose/legacy.js';
import { parseCompose, parseComposeDocument } from '../../../src/core/compose/parse.js';
import { thrown } from '../../adapters/sources/fs-fixtures.js';

const FILE = 'compose.yaml';

describe('compose parsing', () => {
  it('normalises short and long syntaxes into the typed model, in document order', () => {
    const model = parseCompose(`
x-defaults: &defaults
  restart: unless-stopped
  labels: { team: web }
services:
  web:
    <<: *defaults
    build: { context: ./web, dockerfile: Dockerfile.prod, args: [NODE_ENV=production] }
    command: node "dist/server.js" --name='my app'
    environment: [PORT=3000, FROM_SHELL]
    ports: ["8080:3000", "127.0.0.1::9229", { target: 5000, published: "5001", protocol: udp }]
    expose: ["4000-4001"]
    networks: { front: { aliases: [www] }, back: }
    depends_on: { db: { condition: service_healthy } }
    healthcheck: { test: "curl -f http://localhost:3000/", interval: 1m30s, timeout: 5s, retries: 3 }
    deploy: { replicas: 2, resources: { limits: { memory: 1.5g, cpus: "0.5" } } }
    x-note: ignored
  db:
    image: postgres:16
    entrypoint: [docker-entrypoint.sh]
    environment: { POSTGRES_DB: app, RETRIES: 3 }
    networks: [back]
    volumes: [data:/var/lib/postgresql/data, ./init:/docker-entrypoint-initdb.d:ro, /scratch]
    healthcheck: { disable: true }
networks: { front: {}, back: { internal: true } }
volumes: { data: }
`, FILE);
    expect(model.services.map((s) => s.name)).toEqual(['web', 'db']);
    const [web, db] = model.services;
    expect(web).toMatchObject({
      build: { context: './web', dockerfile: 'Dockerfile.prod', args: { NODE_ENV: 'production' } },
      command: ['node', 'dist/server.js', '--name=my app'],
      environment: { PORT: '3000', FROM_SHELL: null },
      ports: [
        { host: 8080, container: 3000, protocol: 'tcp' },
        { hostIp: '127.0.0.1', container: 9229, protocol: 'tcp' },
        { host: 5001, container: 5000, protocol: 'udp' },
      ],
      expose: [4000, 4001],
      networks: ['front', 'back'],
      dependsOn: [{ service: 'db', condition: 'service_healthy' }],
      healthcheck: { test: ['CMD-SHELL', 'curl -f http://localhost:3000/'], intervalMs: 90_000, timeoutMs: 5000, retries: 3, disabled: false },
      restart: 'unless-stopped',
      labels: { team: 'web' },
      limits: { memoryMb: 1536, cpus: 0.5 },
      replicas: 2,
    });
    expect(db).toMatchObject({
      image: 'postgres:16',
      entrypoint: ['docker-entrypoint.sh'],
      environment: { POSTGRES_DB: 'app', RETRIES: '3' },
      networks: ['back'],
      volumes: [
        { type: 'volume', source: 'data', target: '/var/lib/postgresql/data', readOnly: false },
        { type: 'bind', source: './init', target: '/docker-entrypoint-initdb.d', readOnly: true },
        { type: 'volume', target: '/scratch', readOnly: false },
      ],
      healthcheck: { disabled: true },
    });
    expect(model.networks).toEqual([{ name: 'front', external: false }, { name: 'back', external: false, internal: true }]);
    expect(model.volumes).toEqual([{ name: 'data', external: false }]);
    expect(model.warnings).toEqual([]);
  });

  it('tolerates `version` and `container_name` with warnings', () => {
    const model = parseCompose('version: "3.9"\nservices:\n  web:\n    image: nginx\n    container_name: my-web\n', FILE);
    expect(model.warnings).toHaveLength(2);
  });

  it('a YAML syntax error is parse_failed with file, line and column', () => {
    const err = thrown(() => parseCompose('services:\n  web:\n    image: nginx\n   ports: [80\n', 'stack.yml'));
    expect(err.code).toBe('parse_failed');
    expect(err.phase).toBe('command-validation');
    expect(err.details).toMatchObject({ file: 'stack.yml', line: expect.any(Number), column: expect.any(Number) });
    const dup = thrown(() => parseCompose('services:\n  web:\n    image: a\n    image: b\n', FILE, 'plan'));
    expect(dup.code).toBe('parse_failed');
    expect(dup.phase).toBe('plan');
    expect(dup.details).toMatchObject({ line: 4 });
  });

  it.each(Object.entries(LEGACY_SERVICE_FIELDS))('legacy %s is legacy_compose_field naming %s', (field, modern) => {
    const err = thrown(() => parseCompose(`services:\n  web:\n    image: nginx\n    ${field}: x\n`, FILE));
    expect(err.code).toBe('legacy_compose_field');
    expect(err.phase).toBe('plan');
    expect(err.details).toMatchObject({ field: `services.web.${field}`, modern_equivalent: modern, service: 'web' });
  });

  it('a v1 file (services at top level) is legacy_compose_field', () => {
    const err = thrown(() => parseCompose('web:\n  image: nginx\n  links: [db]\n', FILE));
    expect(err.code).toBe('legacy_compose_field');
    expect(err.details).toMatchObject({ field: 'web', modern_equivalent: 'services.web' });
  });

  it('schema violations are validation_failed naming the field path', () => {
    const cases: [string, string, string][] = [
      ['services:\n  web:\n    image: nginx\n    privileged: true\n', 'services.web.privileged', 'unsupported_field'],
      ['services:\n  web:\n    image: nginx\n    restart: sometimes\n', 'services.web.restart', 'invalid_input'],
      ['services:\n  web:\n    image: nginx\n    ports: ["80:80:80:80"]\n', 'services.web.ports.0', 'invalid_input'],
      ['services:\n  web:\n    image: nginx\n    healthcheck: { interval: soon }\n', 'services.web.healthcheck.interval', 'invalid_input'],
      ['services:\n  web:\n    image: nginx\n    deploy: { resources: { limits: { memory: lots } } }\n', 'services.web.deploy.resources.limits.memory', 'invalid_input'],
      ['services:\n  web:\n    command: node "unclosed\n', 'services.web', 'invalid_input'],
      ['services:\n  web:\n    image: nginx\n    command: node "unclosed\n', 'services.web.command', 'invalid_input'],
      ['services: {}\n', 'services', 'invalid_input'],
      ['configs: {}\nservices:\n  web: { image: nginx }\n', 'configs', 'unsupported_field'],
      ['- just\n- a list\n', '(input)', 'invalid_input'],
    ];
    for (const [text, path, code] of cases) {
      const err = thrown(() => parseCompose(text, FILE));
      expect(err.code, text).toBe('validation_failed');
      expect(err.details.validationIssuePaths, text).toContain(path);
      expect(err.details.validationIssueCodes, text).toContain(code);
    }
  });

  it('keeps env_file in the document (for the CLI to fold) but the model refuses it: env_file_unresolved', () => {
    const text = 'services:\n  web:\n    image: nginx\n  api:\n    image: node\n    env_file: .env\n';
    expect(parseComposeDocument(text, FILE).document.services.api?.env_file).toBe('.env');
    const err = thrown(() => parseCompose(text, FILE));
    expect(err.code).toBe('env_file_unresolved');
    expect(err.phase).toBe('plan');
    expect(err.details).toEqual({ service: 'api' });
  });
});
