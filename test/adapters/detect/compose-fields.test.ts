import { describe, expect, it } from 'vitest';
import { createPlanner } from '../../../src/adapters/detect/index.js';
import { rejection } from '../sources/fs-fixtures.js';
import { app, request } from './plan-fixtures.js';

// Compose fields that reach the container (issue 8): planned as written, or refused with a
// reason code. Nothing accepted is dropped without saying so.

const planner = createPlanner();
const plan = (compose: string, files: Record<string, string> = {}) => planner.plan(request(app({ 'compose.yaml': compose, ...files }), { kind: 'compose', composeFile: 'compose.yaml' }));

describe('compose fields in the plan', () => {
  it('plans build.target and args, hostname, user, stop_signal, stop_grace_period and a readable logging driver', async () => {
    const p = await plan(
      [
        'services:',
        '  web:',
        '    build: { context: ./web, target: runtime, args: [TIER=prod] }',
        '    expose: ["80"]',
        '    hostname: web.internal',
        '    user: "1000:1000"',
        '    stop_signal: SIGQUIT',
        '    stop_grace_period: 1m30500ms',
        '    logging: { driver: json-file, options: { max-size: 10m, max-file: 3 } }',
        '',
      ].join('\n'),
      { 'web/Dockerfile': 'FROM scratch\n' },
    );
    expect(p.services[0]).toMatchObject({
      build: { kind: 'dockerfile', dockerfile: 'Dockerfile', target: 'runtime', args: { TIER: 'prod' } },
      hostname: 'web.internal',
      user: '1000:1000',
      stopSignal: 'SIGQUIT',
      // 90.5 s rounds up: a grace period is never cut short.
      stopGraceSeconds: 91,
      logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
    });
    expect(p.warningCodes).toBeUndefined();
    expect(p.services[0]!.build).toMatchObject({ contextDir: expect.stringMatching(/web$/) });
  });

  it('a log driver Berth cannot read back is a plan warning with its reason code naming the field', async () => {
    const p = await plan('services:\n  web:\n    image: nginx\n    expose: ["80"]\n    logging: { driver: syslog, options: { syslog-address: "udp://1.2.3.4:514" } }\n');
    expect(p.warningCodes).toEqual([{ reasonCode: 'logging_driver_not_honoured', field: 'services.web.logging', message: expect.any(String) }]);
    expect(p.warnings).toContain(p.warningCodes![0]!.message);
    expect(p.services[0]!.logging).toBeUndefined();
  });

  it('labels under Berth\'s prefix are a plan warning (label_reserved), the others are planned', async () => {
    const p = await plan('services:\n  web:\n    image: nginx\n    expose: ["80"]\n    labels: { com.example.team: web, dev.berth.resource: res_other }\n');
    expect(p.services[0]!.labels).toEqual({ 'com.example.team': 'web' });
    expect(p.warningCodes).toEqual([{ reasonCode: 'label_reserved', field: 'services.web.labels.dev.berth.resource', message: expect.any(String) }]);
  });

  it('replicas other than 1 block the plan: plan_blocked replicas_unsupported, naming the field', async () => {
    for (const replicas of [3, 0]) {
      const err = await rejection(plan(`services:\n  web:\n    image: nginx\n    expose: ["80"]\n  worker:\n    image: busybox\n    deploy: { replicas: ${replicas} }\n`));
      expect(err.code).toBe('plan_blocked');
      expect(err.phase).toBe('plan');
      expect(err.details).toMatchObject({ reasonCode: 'replicas_unsupported', fixPath: 'services.worker.deploy.replicas' });
    }
    const one = await plan('services:\n  web:\n    image: nginx\n    expose: ["80"]\n    deploy: { replicas: 1 }\n');
    expect(one.services[0]!.replicas).toBe(1);
  });

  it('bad hostname, user, stop_signal, stop_grace_period and healthcheck test are validation_failed naming the field', async () => {
    const cases: [string, string][] = [
      ['hostname: "-bad-"', 'services.web.hostname'],
      ['user: "a b"', 'services.web.user'],
      ['stop_signal: "kill me"', 'services.web.stop_signal'],
      ['stop_grace_period: soon', 'services.web.stop_grace_period'],
      ['healthcheck: { test: [curl, -f, localhost] }', 'services.web.healthcheck.test'],
    ];
    for (const [line, path] of cases) {
      const err = await rejection(plan(`services:\n  web:\n    image: nginx\n    expose: ["80"]\n    ${line}\n`));
      expect(err.code, line).toBe('validation_failed');
      expect(err.details.validationIssuePaths, line).toContain(path);
    }
  });

  it('a host address on a port, network aliases and healthcheck disable are planned as written', async () => {
    const p = await plan(
      [
        'services:',
        '  web:',
        '    image: nginx',
        '    ports: ["127.0.0.1:5433:5432"]',
        '    expose: ["80"]',
        '    networks: { back: { aliases: [api.internal] }, default: null }',
        '    healthcheck: { disable: true }',
        'networks: { back: {} }',
        '',
      ].join('\n'),
    );
    expect(p.services[0]).toMatchObject({
      publish: [{ host: 5433, container: 5432, protocol: 'tcp', hostIp: '127.0.0.1' }],
      networkAliases: { back: ['api.internal'] },
      healthcheckDefined: false,
      // Docker's spelling of "no healthcheck, not even the image's".
      healthcheck: { test: ['NONE'] },
    });
  });

  it('healthcheck.start_interval, depends_on restart and required: false are plan warnings with their reason codes', async () => {
    const p = await plan(
      [
        'services:',
        '  web:',
        '    image: nginx',
        '    expose: ["80"]',
        '    depends_on: { db: { condition: service_started, restart: true, required: false } }',
        '  db:',
        '    image: postgres',
        '    healthcheck: { test: [CMD, pg_isready], start_interval: 1s }',
        '',
      ].join('\n'),
    );
    expect(p.warningCodes?.map((w) => [w.reasonCode, w.field])).toEqual([
      ['depends_on_optional_not_honoured', 'services.web.depends_on.db.required'],
      ['depends_on_restart_not_honoured', 'services.web.depends_on.db.restart'],
      ['healthcheck_start_interval_not_honoured', 'services.db.healthcheck.start_interval'],
    ]);
  });

  it('network options Berth does not apply are plan warnings naming the field', async () => {
    const p = await plan('services:\n  web:\n    image: nginx\n    expose: ["80"]\n    networks: [back, ext]\nnetworks:\n  back: { driver: overlay, internal: true }\n  ext: { external: true }\n');
    expect(p.warningCodes?.map((w) => [w.reasonCode, w.field])).toEqual([
      ['network_option_not_honoured', 'networks.back.driver'],
      ['network_option_not_honoured', 'networks.back.internal'],
      ['network_option_not_honoured', 'networks.ext.external'],
    ]);
  });
});
