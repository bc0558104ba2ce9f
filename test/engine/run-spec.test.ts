import { describe, expect, it } from 'vitest';
import { runRequest, SERVICE_FIELDS, type RunContext, type ServiceFieldRules } from '../../src/engine/deployments/execute.js';
import type { ServicePlan } from '../../src/core/plan/plan.js';

// The ServicePlan -> container mapping is exhaustive: every field has a rule (checked by the
// compiler, see the @ts-expect-error below, which `npm run typecheck` verifies), and each rule
// lands in the run request.

/** Every field set: a new ServicePlan field does not compile here until it is given a value. */
const FULL: Required<ServicePlan> = {
  name: 'api',
  build: { kind: 'dockerfile', contextDir: '/src', dockerfile: 'Dockerfile', args: { A: '1' }, target: 'prod' },
  command: ['serve'],
  env: { MODE: 'prod', SHARED: 'plan' },
  secretEnv: ['TOKEN'],
  internalPort: 3000,
  publish: [{ host: 8080, container: 3000, protocol: 'tcp', hostIp: '127.0.0.1' }],
  networks: ['front', 'back'],
  networkAliases: { back: ['api-internal'], undeclared: ['x'] },
  dependsOn: ['db'],
  dependsOnCondition: { db: 'service_healthy' },
  healthcheckDefined: true,
  healthcheck: { test: ['CMD', 'true'], intervalMs: 1000, timeoutMs: 500, retries: 2, startPeriodMs: 100 },
  entrypoint: ['/entry'],
  restart: 'always',
  replicas: 1,
  labels: { 'com.example.tier': 'api', 'dev.berth.deployment': 'forged' },
  expose: [9000],
  memoryMb: 128,
  cpus: 0.5,
  volumes: [
    { source: 'data', target: '/data', readOnly: false, type: 'volume' },
    { source: 'shared', target: '/shared', readOnly: true, type: 'volume', name: 'team-shared', external: true },
  ],
  secretFiles: [{ secret: 'DB_PASSWORD', target: '/run/secrets/db_password', mode: 0o440 }],
  hostname: 'api-host',
  user: '1000:1000',
  stopSignal: 'SIGQUIT',
  stopGraceSeconds: 20,
  logging: { driver: 'json-file', options: { 'max-size': '1m' } },
};

const ctx: RunContext = {
  containerName: 'berth-app-api-dep1',
  image: 'berth-app/api:dep1',
  labels: { 'dev.berth.managed': 'true', 'dev.berth.deployment': 'dep_1' },
  networks: new Map([
    ['default', 'net-default'],
    ['front', 'net-front'],
    ['back', 'net-back'],
  ]),
  defaultNetwork: 'net-default',
  secrets: { TOKEN: 't0ken', OTHER: 'not-for-api', DB_PASSWORD: 'pw' },
  envSecrets: { TOKEN: 't0ken', OTHER: 'not-for-api' },
  volumeName: (v) => `berth-res_1_${v}`,
  oneShot: false,
};

describe('ServicePlan -> run request', () => {
  it('has a rule for every ServicePlan field, and no other', () => {
    expect(Object.keys(SERVICE_FIELDS).sort()).toEqual(Object.keys(FULL).sort());
    // @ts-expect-error a mapping without the rule for `user` does not compile
    const missing: ServiceFieldRules = (({ user: _user, ...rest }) => rest)(SERVICE_FIELDS);
    expect(Object.keys(missing)).not.toContain('user');
  });

  it('maps every field into the container spec', () => {
    expect(runRequest(FULL, ctx)).toEqual({
      name: 'berth-app-api-dep1',
      image: 'berth-app/api:dep1',
      aliases: ['api'],
      command: ['serve'],
      entrypoint: ['/entry'],
      // Only the secrets the service names; PORT last.
      env: { MODE: 'prod', SHARED: 'plan', TOKEN: 't0ken', PORT: '3000' },
      publish: [{ host: 8080, container: 3000, protocol: 'tcp', hostIp: '127.0.0.1' }],
      network: 'net-front',
      extraNetworks: ['net-back'],
      networkAliases: { 'net-back': ['api-internal'] },
      healthcheck: { test: ['CMD', 'true'], intervalMs: 1000, timeoutMs: 500, retries: 2, startPeriodMs: 100 },
      // Bounded while verifying; `always` is applied once verified (keepRunning).
      restartPolicy: 'on-failure:3',
      // Ownership labels win over the service's own.
      labels: { 'com.example.tier': 'api', 'dev.berth.managed': 'true', 'dev.berth.deployment': 'dep_1' },
      expose: [9000, 3000],
      memoryMb: 128,
      cpus: 0.5,
      // The resource's own volume; a named external one as written.
      volumes: [
        { source: 'berth-res_1_data', target: '/data', readOnly: false, type: 'volume' },
        { source: 'team-shared', target: '/shared', readOnly: true, type: 'volume', external: true },
      ],
      // File secrets carry their content to the engine only, and never reach the environment.
      secretFiles: [{ target: '/run/secrets/db_password', content: 'pw', mode: 0o440 }],
      hostname: 'api-host',
      user: '1000:1000',
      stopSignal: 'SIGQUIT',
      stopTimeoutSeconds: 20,
      logging: { driver: 'json-file', options: { 'max-size': '1m' } },
    });
  });

  it('a minimal service gets the default network, every secret, and Berth\'s labels', () => {
    expect(runRequest({ name: 'web', build: { kind: 'image', image: 'x' } }, ctx)).toEqual({
      name: 'berth-app-api-dep1',
      image: 'berth-app/api:dep1',
      aliases: ['web'],
      env: { TOKEN: 't0ken', OTHER: 'not-for-api' },
      network: 'net-default',
      extraNetworks: [],
      restartPolicy: 'on-failure:3',
      labels: ctx.labels,
    });
  });

  it('restart "no", and one-shot services, run without restarts while verifying', () => {
    expect(runRequest({ name: 'web', build: { kind: 'image', image: 'x' }, restart: 'no' }, ctx).restartPolicy).toBe('no');
    expect(runRequest({ name: 'migrate', build: { kind: 'image', image: 'x' } }, { ...ctx, oneShot: true }).restartPolicy).toBe('no');
    expect(runRequest({ name: 'migrate', build: { kind: 'image', image: 'x' }, restart: 'on-failure' }, { ...ctx, oneShot: true }).restartPolicy).toBe('on-failure:3');
  });

  it('a snapshot asking for several replicas is refused: plan_blocked replicas_unsupported', () => {
    expect(() => runRequest({ name: 'web', build: { kind: 'image', image: 'x' }, replicas: 3 }, ctx)).toThrow(expect.objectContaining({ code: 'plan_blocked', details: expect.objectContaining({ reasonCode: 'replicas_unsupported' }) }));
  });
});
