import { describe, expect, it } from 'vitest';
import { parseCompose } from '../../../src/core/compose/parse.js';
import { edgePorts } from '../../../src/core/compose/checks.js';
import { thrown } from '../../adapters/sources/fs-fixtures.js';

const parse = (text: string) => parseCompose(text, 'compose.yaml');

describe('compose reference and port rules', () => {
  it.each([
    ['"80:3000"', 80, edgePorts(80)],
    ['"443:8443"', 443, edgePorts(80, true)],
    ['"127.0.0.1:80:3000"', 80, edgePorts(80)],
    ['"443:443/udp"', 443, edgePorts(8080, true)],
    ['{ target: 3000, published: 80 }', 80, edgePorts(80)],
    ['"8080:80"', 8080, edgePorts(8080)],
  ])('publishing %s is reserved_port', (port, host, edge) => {
    const err = thrown(() => parseCompose(`services:\n  web:\n    image: nginx\n    ports: [${port}]\n`, 'compose.yaml', undefined, { edgePorts: edge }));
    expect(err.code).toBe('reserved_port');
    expect(err.phase).toBe('plan');
    expect(err.details).toEqual({ service: 'web', port: host, edgePorts: edge });
  });

  it('reserved ports follow the edge: 80 and 443 are free when the edge listens elsewhere without TLS', () => {
    const text = 'services:\n  web:\n    image: nginx\n    ports: ["80:80", "443:443"]\n';
    expect(parseCompose(text, 'compose.yaml', undefined, { edgePorts: edgePorts(8080) }).services[0]?.ports.map((p) => p.host)).toEqual([80, 443]);
    // Without TLS the default edge owns 80 only.
    expect(thrown(() => parse(text)).details).toMatchObject({ port: 80 });
    expect(() => parse('services:\n  web:\n    image: nginx\n    ports: ["443:443"]\n')).not.toThrow();
  });

  it('container port 80 without a host port is fine', () => {
    expect(parse('services:\n  web:\n    image: nginx\n    ports: ["80"]\n    expose: [443]\n').services[0]?.ports).toEqual([{ container: 80, protocol: 'tcp' }]);
  });

  it('the same host port published twice is port_conflict, across services or in one', () => {
    const across = thrown(() => parse('services:\n  a:\n    image: x\n    ports: ["8080:80"]\n  b:\n    image: y\n    ports: ["127.0.0.1:8080:90"]\n'));
    expect(across.code).toBe('port_conflict');
    expect(across.details).toEqual({ service: 'b', port: 8080, owner: 'a' });
    const range = thrown(() => parse('services:\n  a:\n    image: x\n    ports: ["9000-9002:9000-9002", "9002:1234"]\n'));
    expect(range.code).toBe('port_conflict');
    expect(range.details).toMatchObject({ service: 'a', port: 9002 });
    // tcp and udp on one number are two ports.
    expect(parse('services:\n  a:\n    image: x\n    ports: ["5353:53/udp", "5353:53"]\n').services[0]?.ports).toHaveLength(2);
  });

  it('a service network not declared at top level is unknown_network; `default` is implicit', () => {
    const err = thrown(() => parse('services:\n  web:\n    image: nginx\n    networks: [front, back]\nnetworks:\n  front: {}\n'));
    expect(err.code).toBe('unknown_network');
    expect(err.details).toEqual({ service: 'web', network: 'back' });
    expect(parse('services:\n  web:\n    image: nginx\n    networks: [default]\n').services[0]?.networks).toEqual(['default']);
  });

  it('depends_on naming an undeclared service is unknown_service', () => {
    for (const deps of ['[db]', '{ db: { condition: service_started } }']) {
      const err = thrown(() => parse(`services:\n  web:\n    image: nginx\n    depends_on: ${deps}\n`));
      expect(err.code).toBe('unknown_service');
      expect(err.details).toEqual({ service: 'web', reference: 'db' });
    }
  });

  it('a depends_on cycle and an undeclared named volume are validation_failed at their path', () => {
    const cycle = thrown(() => parse('services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: y\n    depends_on: [a]\n'));
    expect(cycle.code).toBe('validation_failed');
    expect(cycle.details.validationIssuePaths).toEqual(['services.a.depends_on']);
    const volume = thrown(() => parse('services:\n  a:\n    image: x\n    volumes: ["data:/data"]\n'));
    expect(volume.code).toBe('validation_failed');
    expect(volume.details.validationIssuePaths).toEqual(['services.a.volumes.0']);
  });
});
