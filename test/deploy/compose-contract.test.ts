import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy, viaProxy, type DeploymentStatus } from '../support/deploy.js';
import { docker, uid } from '../support/docker.js';

// Issue 8: what the compose plan says reaches the container, on the real dockerd: build args
// and target, entrypoint, labels, user, hostname, stop signal and grace, logging, Docker
// healthchecks, depends_on conditions and the verify restart budget.

const STATIC = 'berth/static:1';
// Generous: a loaded machine starts containers slowly; failing checks end on their own signal.
const health = { path: '/', timeoutSeconds: 60, intervalMs: 200 };

describe('compose fields reach Docker', () => {
  let plane: TestControlPlane;
  /** Named volumes the stacks create: the plane's teardown removes containers and networks only. */
  const volumes: string[] = [];
  beforeAll(async () => {
    plane = await startTestControlPlane();
  });
  afterAll(async () => {
    await plane?.close();
    for (const v of volumes) await docker().getVolume(v).remove().catch(() => undefined);
  });

  const deployCompose = (name: string, compose: string, files: Record<string, string> = {}, extra: Record<string, unknown> = {}) => {
    const dir = appDir({ 'compose.yaml': compose, ...files });
    return deploy(plane, { name, source: { kind: 'compose', location: join(dir, 'compose.yaml') }, network: { internalPort: 80 }, health, ...extra });
  };
  const containerOf = async (d: DeploymentStatus, service: string) => {
    const stored = await plane.store.deployments.get(d.id);
    const c = stored!.runtime!.containers.find((x) => x.service === service)!;
    return docker().getContainer(c.id).inspect();
  };
  const steps = async (d: DeploymentStatus) => {
    const events = await plane.store.journal.after(d.id, 0, 1000);
    return events.filter((e) => e.kind === 'step').map((e) => e.data);
  };

  it('build args and target, entrypoint, labels, user, hostname, stop signal and grace, logging and the healthcheck', async () => {
    const d = await deployCompose(
      'fields',
      [
        'services:',
        '  web:',
        '    build: { context: ., target: base, args: { GREETING: hello-arg } }',
        '    expose: ["8080"]',
        '    entrypoint: ["/bin/sh", "-c"]',
        '    command: ["id -u > /www/uid; hostname > /www/host; exec httpd -f -p 8080 -h /www"]',
        '    user: "1234:1234"',
        '    hostname: web-host',
        '    stop_signal: SIGQUIT',
        '    stop_grace_period: 3s',
        '    labels: { com.example.team: web }',
        '    logging: { driver: json-file, options: { max-size: 1m } }',
        '    healthcheck: { test: ["CMD-SHELL", "wget -q -O /dev/null http://127.0.0.1:8080/"], interval: 1s, timeout: 5s, retries: 30 }',
        '',
      ].join('\n'),
      {
        Dockerfile: [
          `FROM ${STATIC} AS base`,
          'ARG GREETING=unset',
          'RUN mkdir -p /www && echo "$GREETING" > /www/index.html && chmod -R 777 /www',
          'FROM base AS prod',
          'RUN echo prod > /www/index.html',
          '',
        ].join('\n'),
      },
      { network: { internalPort: 8080 } },
    );
    expect(d.status).toBe('succeeded');
    // Stage `base`, built with the argument: not `prod`, not `unset`.
    expect(await viaProxy(plane, d.accessUrl!)).toEqual({ status: 200, body: 'hello-arg\n' });
    expect((await viaProxy(plane, d.accessUrl!, '/uid')).body.trim()).toBe('1234');
    expect((await viaProxy(plane, d.accessUrl!, '/host')).body.trim()).toBe('web-host');

    const raw = await containerOf(d, 'web');
    const config = raw.Config as typeof raw.Config & { StopTimeout?: number; StopSignal?: string; Healthcheck?: { Test: string[]; Interval: number } };
    expect(config.Entrypoint).toEqual(['/bin/sh', '-c']);
    expect(config.Labels).toMatchObject({ 'com.example.team': 'web', 'dev.berth.deployment': d.id });
    expect(config.User).toBe('1234:1234');
    expect(config.Hostname).toBe('web-host');
    expect(config.StopSignal).toBe('SIGQUIT');
    expect(config.StopTimeout).toBe(3);
    expect(config.Healthcheck).toMatchObject({ Test: ['CMD-SHELL', 'wget -q -O /dev/null http://127.0.0.1:8080/'], Interval: 1e9 });
    expect(raw.HostConfig.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '1m' } });
    // Verify waited for Docker's verdict; once verified, Berth's default restart policy applies.
    expect(raw.State.Health?.Status).toBe('healthy');
    const events = await plane.store.journal.after(d.id, 0, 1000);
    expect(events.map((e) => e.data)).toContainEqual({ service: 'web', source: 'docker', health: 'healthy' });
    expect(raw.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
  });

  it('service_healthy: the dependent starts only once the dependency is healthy', async () => {
    const d = await deployCompose(
      'gated',
      [
        'services:',
        '  web:',
        `    image: ${STATIC}`,
        '    expose: ["80"]',
        // Fails (and crash-loops) if db does not answer yet.
        '    command: ["sh", "-c", "wget -q -O /srv/index.html http://db/ && exec httpd -f -p 80 -h /srv"]',
        '    depends_on: { db: { condition: service_healthy } }',
        '  db:',
        `    image: ${STATIC}`,
        '    command: ["sh", "-c", "sleep 4; echo db-ready > /srv/index.html; exec httpd -f -p 80 -h /srv"]',
        '    healthcheck: { test: ["CMD-SHELL", "wget -q -O- http://127.0.0.1/ | grep -q db-ready"], interval: 1s, timeout: 5s, retries: 60 }',
        '',
      ].join('\n'),
    );
    expect(d.status).toBe('succeeded');
    expect(await viaProxy(plane, d.accessUrl!)).toEqual({ status: 200, body: 'db-ready\n' });
    const [web, db] = [await containerOf(d, 'web'), await containerOf(d, 'db')];
    expect(Date.parse(web.State.StartedAt) - Date.parse(db.State.StartedAt)).toBeGreaterThanOrEqual(3_500);
    expect(web.RestartCount).toBe(0);
    const s = await steps(d);
    const wait = s.findIndex((x) => x.step === 'wait-dependency');
    expect(s[wait]).toMatchObject({ service: 'web', dependency: 'db', condition: 'service_healthy' });
    expect(wait).toBeLessThan(s.findIndex((x) => x.step === 'start' && x.service === 'web'));
  });

  it('service_healthy on a dependency that turns unhealthy is dependency_unhealthy in execute, naming both', async () => {
    const d = await deployCompose(
      'sickdep',
      [
        'services:',
        '  web:',
        `    image: ${STATIC}`,
        '    expose: ["80"]',
        '    depends_on: { db: { condition: service_healthy } }',
        '  db:',
        `    image: ${STATIC}`,
        '    healthcheck: { test: ["CMD", "false"], interval: 1s, timeout: 5s, retries: 2 }',
        '',
      ].join('\n'),
    );
    expect({ status: d.status, code: d.error?.code, phase: d.error?.phase, currentPhase: d.currentPhase }).toEqual({ status: 'failed', code: 'dependency_unhealthy', phase: 'execute', currentPhase: 'execute' });
    expect(d.error!.details).toMatchObject({ service: 'web', dependency: 'db', reason: 'unhealthy' });
  });

  it('service_completed_successfully: a one-shot job ends with exit 0 before the dependent starts, and verify accepts its exit', async () => {
    const volume = `shared-${uid()}`;
    volumes.push(volume);
    const d = await deployCompose(
      'migrated',
      [
        'services:',
        '  web:',
        `    image: ${STATIC}`,
        '    expose: ["80"]',
        '    command: ["sh", "-c", "cp /data/migrated /srv/index.html && exec httpd -f -p 80 -h /srv"]',
        `    volumes: ["${volume}:/data"]`,
        '    depends_on: { migrate: { condition: service_completed_successfully } }',
        '  migrate:',
        `    image: ${STATIC}`,
        '    command: ["sh", "-c", "sleep 2; echo migrated-ok > /data/migrated"]',
        `    volumes: ["${volume}:/data"]`,
        `volumes: { ${volume}: {} }`,
        '',
      ].join('\n'),
    );
    expect(d.status).toBe('succeeded');
    expect(await viaProxy(plane, d.accessUrl!)).toEqual({ status: 200, body: 'migrated-ok\n' });
    const migrate = await containerOf(d, 'migrate');
    expect(migrate.State).toMatchObject({ Status: 'exited', ExitCode: 0 });
    // Done is done: no restart policy would run the job again.
    expect(migrate.HostConfig.RestartPolicy?.Name).toBe('no');
  });

  it('a failing one-shot job is dependency_failed in execute with its exit code', async () => {
    const d = await deployCompose(
      'badjob',
      [
        'services:',
        '  web:',
        `    image: ${STATIC}`,
        '    expose: ["80"]',
        '    depends_on: { migrate: { condition: service_completed_successfully } }',
        '  migrate:',
        `    image: ${STATIC}`,
        '    command: ["sh", "-c", "exit 5"]',
        '',
      ].join('\n'),
    );
    expect({ status: d.status, code: d.error?.code, phase: d.error?.phase }).toEqual({ status: 'failed', code: 'dependency_failed', phase: 'execute' });
    expect(d.error!.details).toMatchObject({ service: 'web', dependency: 'migrate', reason: 'exited', exitCode: 5 });
  });

  it('Docker reporting the container unhealthy is container_unhealthy in verify, even while the health path answers', async () => {
    const d = await deployCompose(
      'unhealthy',
      ['services:', '  web:', `    image: ${STATIC}`, '    expose: ["80"]', '    healthcheck: { test: ["CMD", "false"], interval: 1s, timeout: 5s, retries: 2 }', ''].join('\n'),
    );
    expect({ status: d.status, code: d.error?.code, phase: d.error?.phase, currentPhase: d.currentPhase }).toEqual({ status: 'failed', code: 'container_unhealthy', phase: 'verify', currentPhase: 'verify' });
    expect(d.error!.details).toMatchObject({ service: 'web' });
  });

  it('a crash-looping container ends restart_exhausted in verify after 3 restarts Docker counted', async () => {
    const d = await deployCompose('crashloop', ['services:', '  web:', `    image: ${STATIC}`, '    expose: ["80"]', '    command: ["sh", "-c", "echo crashing; exit 1"]', ''].join('\n'));
    expect({ status: d.status, code: d.error?.code, phase: d.error?.phase, currentPhase: d.currentPhase }).toEqual({ status: 'failed', code: 'restart_exhausted', phase: 'verify', currentPhase: 'verify' });
    expect(d.error!.details).toMatchObject({ service: 'web', restartCount: 3 });
    expect(String(d.error!.details.logTail)).toContain('crashing');
  });

  it('a single crash is restarted and journaled; the version passes once it runs', async () => {
    const d = await deployCompose(
      'crashonce',
      ['services:', '  web:', `    image: ${STATIC}`, '    expose: ["80"]', '    restart: on-failure:5', '    command: ["sh", "-c", "if [ ! -f /srv/crashed ]; then touch /srv/crashed; exit 1; fi; echo recovered > /srv/index.html; exec httpd -f -p 80 -h /srv"]', ''].join('\n'),
    );
    expect(d.status).toBe('succeeded');
    expect(await viaProxy(plane, d.accessUrl!)).toEqual({ status: 200, body: 'recovered\n' });
    const web = await containerOf(d, 'web');
    expect(web.RestartCount).toBe(1);
    // Bounded at 3 while verifying; the service's own policy once verified.
    expect(web.HostConfig.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 5 });
    expect(await steps(d)).toContainEqual(expect.objectContaining({ step: 'restart', service: 'web', restartCount: 1 }));
  });

  it('restart "no" means the first exit is final: container_exited with its exit code', async () => {
    const d = await deployCompose('norestart', ['services:', '  web:', `    image: ${STATIC}`, '    expose: ["80"]', '    restart: "no"', '    command: ["sh", "-c", "exit 6"]', ''].join('\n'));
    expect({ status: d.status, code: d.error?.code, phase: d.error?.phase }).toEqual({ status: 'failed', code: 'container_exited', phase: 'verify' });
    expect(d.error!.details).toMatchObject({ service: 'web', exitCode: 6 });
  });

  it('replicas: 3 is blocked with replicas_unsupported, in the plan preview and in a deploy', async () => {
    const dir = appDir({ 'compose.yaml': `services:\n  web:\n    image: ${STATIC}\n    expose: ["80"]\n    deploy: { replicas: 3 }\n` });
    const source = { kind: 'compose', location: join(dir, 'compose.yaml') };
    const preview = await api<{ status: string; blocked: Record<string, unknown> }>(plane, 'POST', '/api/deployments/plan', { name: 'replicas', source });
    expect(preview.body).toMatchObject({ status: 'blocked', blocked: { phase: 'plan', code: 'plan_blocked', reasonCode: 'replicas_unsupported', fixPath: 'services.web.deploy.replicas' } });
    const d = await deploy(plane, { name: 'replicas', source });
    expect({ status: d.status, code: d.error?.code, phase: d.error?.phase }).toEqual({ status: 'failed', code: 'plan_blocked', phase: 'plan' });
    expect(d.error!.details.reasonCode).toBe('replicas_unsupported');
  });
});
