import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGES } from '../../../src/core/plan/base-images.js';
import { LABELS, type ContainerState } from '../../../src/ports/container-engine.js';
import { rejection } from '../../support/rejection.js';
import { closedPort, DockerRun, prepareStaticRun, TEST_LABEL, uid, waitFor } from '../../support/docker.js';
import { TEST_ROOT } from '../../support/paths.js';

const run = new DockerRun();
const image = BASE_IMAGES.static;
let network: string;

beforeAll(async () => {
  network = await prepareStaticRun(run);
});
afterAll(() => run.cleanup());


const exited = (id: string) =>
  waitFor<ContainerState>('exit', async () => {
    const s = await run.engine.inspect(id);
    return s?.status === 'exited' ? s : undefined;
  });

async function fetchText(url: string): Promise<string> {
  return waitFor('http answer', async () => {
    try {
      const res = await fetch(url);
      return res.ok ? await res.text() : undefined;
    } catch {
      return undefined;
    }
  });
}

describe('DockerEngine.run and container queries', () => {
  it('runs with labels, limits, restart policy, aliases, a bind mount, a volume and a published port', async () => {
    const site = mkdtempSync(join(TEST_ROOT, 'docker-site-'));
    writeFileSync(join(site, 'index.html'), `site ${run.id}`);
    const hostPort = await closedPort();
    const alias = `web-${run.id}`;
    const labels = run.labels({ [LABELS.deployment]: 'dep_run', [LABELS.service]: 'web' });
    const c = await run.engine.run({
      name: run.name('web'),
      image,
      labels,
      network,
      aliases: [alias],
      env: { GREETING: 'hello' },
      restartPolicy: 'unless-stopped',
      memoryMb: 64,
      cpus: 0.5,
      publish: [{ host: hostPort, container: 80, protocol: 'tcp' }],
      volumes: [
        { source: site, target: '/srv', readOnly: true },
        { source: run.volume('data'), target: '/data', readOnly: false },
      ],
    });
    expect(c.name).toBe(run.name('web'));
    expect(c.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

    const state = await run.engine.inspect(c.id);
    expect(state).toMatchObject({ id: c.id, status: 'running', exitCode: null, restartCount: 0, health: null, ip: c.ip });
    expect(state!.labels).toMatchObject(labels);

    const raw = await run.engine.docker.getContainer(c.id).inspect();
    expect(raw.HostConfig.Memory).toBe(64 * 1024 * 1024);
    expect(raw.HostConfig.NanoCpus).toBe(500_000_000);
    expect(raw.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    expect(raw.NetworkSettings.Networks[network]?.Aliases).toContain(alias);
    expect(raw.Config.Env).toContain('GREETING=hello');
    expect(raw.Mounts.map((m) => [m.Type, m.Destination, m.RW])).toEqual(
      expect.arrayContaining([
        ['bind', '/srv', false],
        ['volume', '/data', true],
      ]),
    );
    const volume = await run.engine.docker.getVolume(run.name('vol-data')).inspect();
    expect(volume.Labels).toMatchObject({ [LABELS.managed]: 'true', [LABELS.resource]: labels[LABELS.resource] });

    expect(await fetchText(`http://${c.ip}/`)).toBe(`site ${run.id}`);
    expect(await fetchText(`http://127.0.0.1:${hostPort}/`)).toBe(`site ${run.id}`);
    // The alias resolves for other containers on the network.
    const viaAlias = await run.exec(image, ['wget', '-q', '-O', '-', `http://${alias}/`], network);
    expect(viaAlias.output).toBe(`site ${run.id}`);

    await run.engine.stop(c.id, 2);
    expect((await run.engine.inspect(c.id))?.status).toBe('exited');
    await run.engine.stop(c.id, 2); // already stopped: no error
    await run.engine.remove(c.id);
    expect(await run.engine.inspect(c.id)).toBeUndefined();
    await run.engine.remove(c.id); // already gone: no error
    await run.engine.stop(c.id, 1);
  });

  it('passes entrypoint, healthcheck, hostname, user, stop signal and timeout, logging, expose and tmpfs to Docker', async () => {
    const labels = run.labels({ 'com.example.tier': 'front' });
    const c = await run.engine.run({
      name: run.name('spec'),
      image,
      entrypoint: ['/bin/sh', '-c'],
      command: ['id -u > /tmp/state/uid; hostname > /tmp/state/host; touch /tmp/state/ready; exec sleep 300'],
      labels,
      network,
      healthcheck: { test: ['CMD-SHELL', 'test -f /tmp/state/ready'], intervalMs: 500, timeoutMs: 2_000, retries: 3, startPeriodMs: 1_000 },
      hostname: `host-${run.id}`,
      user: '1234:1234',
      stopSignal: 'SIGUSR1',
      stopTimeoutSeconds: 7,
      logging: { driver: 'json-file', options: { 'max-size': '1m' } },
      expose: [9000],
      volumes: [{ source: '', target: '/tmp/state', readOnly: false, type: 'tmpfs' }],
    });
    const raw = await run.engine.docker.getContainer(c.id).inspect();
    const config = raw.Config as typeof raw.Config & { StopTimeout?: number; StopSignal?: string; Healthcheck?: Record<string, unknown> };
    expect(config.Entrypoint).toEqual(['/bin/sh', '-c']);
    expect(config.Labels).toMatchObject(labels);
    expect(config.Healthcheck).toEqual({ Test: ['CMD-SHELL', 'test -f /tmp/state/ready'], Interval: 500e6, Timeout: 2_000e6, Retries: 3, StartPeriod: 1_000e6 });
    expect(config.Hostname).toBe(`host-${run.id}`);
    expect(config.User).toBe('1234:1234');
    expect(config.StopSignal).toBe('SIGUSR1');
    expect(config.StopTimeout).toBe(7);
    expect(Object.keys(config.ExposedPorts ?? {})).toContain('9000/tcp');
    expect(raw.HostConfig.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '1m' } });
    expect(raw.Mounts.map((m) => [m.Type, m.Destination])).toContainEqual(['tmpfs', '/tmp/state']);
    // Docker runs the healthcheck: the state says healthy once it passes.
    await waitFor('healthy', async () => (await run.engine.inspect(c.id))?.health === 'healthy', 30_000, 200);
    const probe = await run.engine.docker.getContainer(c.id).exec({ Cmd: ['cat', '/tmp/state/uid', '/tmp/state/host'], AttachStdout: true });
    const out = await new Promise<string>((resolve, reject) => {
      probe.start({ hijack: true, stdin: false }, (err, stream) => {
        if (err || !stream) return reject(err ?? new Error('no stream'));
        let text = '';
        stream.on('data', (d: Buffer) => (text += d.toString('latin1')));
        stream.on('end', () => resolve(text));
      });
    });
    expect(out).toContain('1234');
    expect(out).toContain(`host-${run.id}`);
  });

  it('publishes on the host address asked for, and adds per-network aliases', async () => {
    const hostPort = await closedPort();
    const c = await run.engine.run({
      name: run.name('addr'),
      image,
      labels: run.labels(),
      network,
      aliases: ['svc'],
      networkAliases: { [network]: [`extra-${run.id}`] },
      publish: [{ host: hostPort, container: 80, protocol: 'tcp', hostIp: '127.0.0.1' }],
    });
    const raw = await run.engine.docker.getContainer(c.id).inspect();
    expect(raw.HostConfig.PortBindings?.['80/tcp']).toEqual([{ HostIp: '127.0.0.1', HostPort: String(hostPort) }]);
    expect(raw.NetworkSettings.Networks[network]?.Aliases).toEqual(expect.arrayContaining(['svc', `extra-${run.id}`]));
    // Another container reaches its server by the extra name (an empty /srv answers 404).
    const answer = () => run.exec(image, ['sh', '-c', `wget -O /dev/null http://extra-${run.id}/ 2>&1 | grep -q 'HTTP/1.[01] [0-9]'`], network);
    await waitFor('alias answers', async () => (await answer()).exitCode === 0, 30_000, 500);
  });

  it('a stop sends the stop signal and waits the container\'s own stop timeout, whatever the caller asks', async () => {
    // The process ignores SIGTERM and exits 7 on SIGUSR1; a second one ignores everything.
    const signalled = await run.engine.run({ name: run.name('sig'), image, command: ['sh', '-c', "trap 'exit 7' USR1; trap '' TERM; while true; do sleep 0.2; done"], labels: run.labels(), network, stopSignal: 'SIGUSR1' });
    await waitFor('running', async () => (await run.engine.inspect(signalled.id))?.status === 'running');
    await run.engine.stop(signalled.id, 10);
    expect(await run.engine.inspect(signalled.id)).toMatchObject({ status: 'exited', exitCode: 7 });

    const stubborn = await run.engine.run({ name: run.name('grace'), image, command: ['sh', '-c', "trap '' TERM; while true; do sleep 0.2; done"], labels: run.labels(), network, stopTimeoutSeconds: 3 });
    await waitFor('running', async () => (await run.engine.inspect(stubborn.id))?.status === 'running');
    const started = Date.now();
    await run.engine.stop(stubborn.id, 0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_500);
    expect(await run.engine.inspect(stubborn.id)).toMatchObject({ status: 'exited', exitCode: 137 });
  });

  it('on-failure:N restarts a crashing container N times, then leaves it exited with RestartCount N', async () => {
    const c = await run.engine.run({ name: run.name('crashloop'), image, command: ['sh', '-c', 'echo crash; exit 3'], labels: run.labels(), network, restartPolicy: 'on-failure:3' });
    const raw = await run.engine.docker.getContainer(c.id).inspect();
    expect(raw.HostConfig.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 3 });
    const end = await waitFor('restarts used up', async () => {
      const s = await run.engine.inspect(c.id);
      return s?.status === 'exited' && s.restartCount === 3 ? s : undefined;
    }, 60_000, 100);
    expect(end).toMatchObject({ exitCode: 3, restartCount: 3 });
  });

  it('listeningPorts reads the LISTEN sockets inside the container', async () => {
    const c = await run.engine.run({
      name: run.name('ports'),
      image,
      command: ['sh', '-c', 'httpd -p 8081 -h /srv && exec httpd -f -p 80 -h /srv'],
      labels: run.labels(),
      network,
    });
    const ports = await waitFor('ports', async () => {
      const p = await run.engine.listeningPorts(c.id);
      return p && p.includes(80) && p.includes(8081) ? p : undefined;
    });
    expect(ports).toEqual([80, 8081]);
    await run.engine.stop(c.id, 1);
    expect(await run.engine.listeningPorts(c.id)).toBeUndefined(); // not running: nothing to read
  });

  it('logsTail demultiplexes stdout and stderr; followLogs streams until aborted', async () => {
    const c = await run.engine.run({ name: run.name('logs'), image, command: ['sh', '-c', 'echo out-1; echo err-1 >&2; sleep 1; echo out-2'], labels: run.labels(), network });
    await exited(c.id);
    expect(await run.engine.logsTail(c.id, 1)).toBe('out-2\n');
    const all = (await run.engine.logsTail(c.id, 10)).split('\n').filter(Boolean);
    expect(all.sort()).toEqual(['err-1', 'out-1', 'out-2']);

    const ticker = await run.engine.run({ name: run.name('ticker'), image, command: ['sh', '-c', 'i=0; while true; do echo tick-$i; i=$((i+1)); sleep 1; done'], labels: run.labels(), network });
    const controller = new AbortController();
    const stream = await run.engine.followLogs(ticker.id, controller.signal);
    let text = '';
    const ended = new Promise<void>((resolve) => stream.on('end', () => resolve()));
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('tick-1\n')) controller.abort();
    });
    await ended;
    expect(text.startsWith('tick-0\ntick-1\n')).toBe(true);
  });

  it('listContainers finds containers in every state by labels, and only those', async () => {
    const deployment = `dep_${uid()}`;
    const running = await run.engine.run({ name: run.name('l-run'), image, labels: run.labels({ [LABELS.deployment]: deployment }), network });
    const done = await run.engine.run({ name: run.name('l-exit'), image, command: ['sh', '-c', 'exit 7'], labels: run.labels({ [LABELS.deployment]: deployment }), network });
    await run.engine.run({ name: run.name('l-other'), image, labels: run.labels({ [LABELS.deployment]: `${deployment}-other` }), network });
    await exited(done.id);

    const found = await run.engine.listContainers({ [TEST_LABEL]: run.id, [LABELS.deployment]: deployment });
    const byId = new Map(found.map((s) => [s.id, s]));
    expect([...byId.keys()].sort()).toEqual([running.id, done.id].sort());
    expect(byId.get(running.id)).toMatchObject({ status: 'running', exitCode: null });
    expect(byId.get(done.id)).toMatchObject({ status: 'exited', exitCode: 7 });
  });

  it('an engine refusing create or start is container_start_failed, and leaves no container behind', async () => {
    const labels = run.labels({ [LABELS.service]: 'api', [LABELS.deployment]: `dep_${uid()}` });
    const missingImage = await rejection(run.engine.run({ name: run.name('noimg'), image: `berth-test/absent-${run.id}:1`, labels, network }));
    expect(missingImage.code).toBe('container_start_failed');
    expect(missingImage.details).toMatchObject({ service: 'api' });
    expect(typeof missingImage.details.reason).toBe('string');

    const badCommand = await rejection(run.engine.run({ name: run.name('nocmd'), image, command: ['/no/such/binary'], labels, network }));
    expect(badCommand.code).toBe('container_start_failed');
    expect(await run.engine.listContainers(labels)).toEqual([]);

    await run.engine.run({ name: run.name('dup'), image, labels: run.labels(), network });
    const duplicate = await rejection(run.engine.run({ name: run.name('dup'), image, labels: run.labels(), network }));
    expect(duplicate.code).toBe('container_start_failed');
  });

  it('ensureNetwork is idempotent and labels the network', async () => {
    await run.engine.ensureNetwork(network, run.labels());
    const nets = await run.engine.docker.listNetworks({ filters: { name: [network] } });
    expect(nets.filter((n) => n.Name === network)).toHaveLength(1);
    expect(nets[0]!.Driver).toBe('bridge');
    expect(nets[0]!.Labels).toMatchObject({ [TEST_LABEL]: run.id });
  });

  it('diskUsage reports the space of the docker root dir', async () => {
    const usage = await run.engine.diskUsage();
    expect(usage.path).toBe((await run.engine.docker.info()).DockerRootDir);
    expect(usage.freeBytes).toBeGreaterThan(0);
    expect(usage.totalBytes).toBeGreaterThanOrEqual(usage.freeBytes);
    expect(usage.freeInodes).toBeGreaterThan(0);
  });
});
