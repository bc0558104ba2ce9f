import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBaseImages } from '../../src/adapters/docker/base-images.js';
import { createDockerEngine } from '../../src/adapters/docker/docker-engine.js';
import { PROXY_LABELS } from '../../src/adapters/proxy/proxy-container.js';
import { RemoteCaddyProxy } from '../../src/adapters/proxy/remote-caddy-proxy.js';
import { Ssh2Connector } from '../../src/adapters/ssh/connector.js';
import { BerthError } from '../../src/core/errors/berth-error.js';
import { baseImageRef } from '../../src/core/plan/base-images.js';
import { docker, TEST_LABEL, uid, waitFor } from '../support/docker.js';
import { startLoad } from '../support/load.js';
import { freePort } from '../support/ports.js';
import { nodeDocker, sshTarget, testbedMissing, testServer, type TestServer } from '../support/testbed.js';

// The edge proxy of a server (node 3 of the testbed) as two containers on the node's own engine,
// driven through its sshd: the engine API, the admin sockets (stream-local forwards) and the
// desired state (SFTP). Clients reach it at the node's address; upstreams are containers on a
// network of the node's engine.

const N = 3;
const HOST = 'web.rproxy.test';

async function rejection(p: Promise<unknown>): Promise<BerthError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(BerthError);
  return err as BerthError;
}

function get(address: string, port: number, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path: '/', headers: { host }, agent: false, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(testbedMissing)('the edge proxy of an SSH server (containers on its engine)', () => {
  const server: TestServer = testbedMissing ? undefined! : testServer(N);
  const run = uid();
  const base = `/var/lib/berth-rproxy-${randomBytes(4).toString('hex')}`;
  const stateRoot = `${base}/berth`;
  const otherRoot = `${base}/other`;
  const network = `berth-rproxy-${run}`;
  const connectors: Ssh2Connector[] = [];
  const node = (): Docker => nodeDocker(server);
  let port: number;
  let blue: string;
  let green: string;
  let proxy: RemoteCaddyProxy;

  async function controlPlane(root: string, httpPort: number): Promise<RemoteCaddyProxy> {
    const connector = new Ssh2Connector();
    connectors.push(connector);
    const session = await connector.session(sshTarget(server, { serverId: `srv_rproxy_${run}_${connectors.length}` }));
    const engine = createDockerEngine({ ssh: { session, socketPath: server.dockerSocket } });
    const image = async () => {
      await ensureBaseImages(engine, { only: ['static'] });
      return baseImageRef('static');
    };
    return new RemoteCaddyProxy({ engine, session, stateRoot: root, httpPort, image, drainMs: 2_000 });
  }

  const proxyContainers = async (d: Docker, root: string) =>
    (await d.listContainers({ all: true, filters: { label: [`${PROXY_LABELS.stateRoot}=${root}`] } })).sort((a, b) => a.Names[0]!.localeCompare(b.Names[0]!));

  async function upstream(name: string, body: string): Promise<string> {
    const c = await node().createContainer({
      name: `berth-rproxy-${run}-${name}`,
      Image: baseImageRef('static'),
      Entrypoint: ['/bin/sh', '-c'],
      Cmd: [`echo ${body} > /srv/index.html && exec caddy file-server --root /srv --listen :8080`],
      Labels: { [TEST_LABEL]: run },
      HostConfig: { NetworkMode: network },
    });
    await c.start();
    const ip = (await c.inspect()).NetworkSettings.Networks[network]!.IPAddress;
    return `${ip}:8080`;
  }

  beforeAll(async () => {
    const owner = (flag: string) => Number(execFileSync('id', [flag, server.user], { encoding: 'utf8' }));
    for (const dir of [base, stateRoot, otherRoot]) {
      mkdirSync(dir, { mode: 0o755 });
      chownSync(dir, owner('-u'), owner('-g'));
    }
    port = await freePort();
    proxy = await controlPlane(stateRoot, port);
    // The image the proxy runs is the one upstreams use here too: build it before they start.
    await ensureBaseImages(createDockerEngine({ client: node() }), { only: ['static'] });
    await node().createNetwork({ Name: network, Labels: { [TEST_LABEL]: run } });
    blue = await upstream('blue', 'blue');
    green = await upstream('green', 'green');
  });

  afterAll(async () => {
    const d = node();
    for (const root of [stateRoot, otherRoot]) for (const c of await proxyContainers(d, root)) await d.getContainer(c.Id).remove({ force: true });
    for (const c of await d.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${run}`] } })) await d.getContainer(c.Id).remove({ force: true });
    await d.getNetwork(network).remove().catch(() => undefined);
    for (const c of connectors) await c.closeAll();
    rmSync(base, { recursive: true, force: true });
  });

  it("starts the edge and the switch on the node's engine, not the main one, and adopts them on a second call", async () => {
    expect(await proxy.ensureRunning()).toEqual({ httpPort: port });
    const found = await proxyContainers(node(), stateRoot);
    expect(found.map((c) => c.Labels[PROXY_LABELS.role])).toEqual(['edge', 'switch']);
    for (const c of found) {
      const info = await node().getContainer(c.Id).inspect();
      expect(info.State.Running).toBe(true);
      expect(info.HostConfig.NetworkMode).toBe('host');
      expect(info.HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
      expect(info.Config.Labels['dev.berth.managed']).toBe('true');
    }
    expect(await proxyContainers(docker(), stateRoot)).toEqual([]);
    // The desired state is on the server, in the proxy directory only its user may enter.
    for (const f of ['edge.json', 'switch.json']) expect(existsSync(`${stateRoot}/proxy/${f}`)).toBe(true);
    expect(execFileSync('stat', ['-c', '%a %U', `${stateRoot}/proxy`], { encoding: 'utf8' }).trim()).toBe(`700 ${server.user}`);

    const started = await Promise.all(found.map(async (c) => (await node().getContainer(c.Id).inspect()).State.StartedAt));
    await proxy.ensureRunning();
    const again = await proxyContainers(node(), stateRoot);
    expect(again.map((c) => c.Id)).toEqual(found.map((c) => c.Id));
    expect(await Promise.all(again.map(async (c) => (await node().getContainer(c.Id).inspect()).State.StartedAt))).toEqual(started);
    expect(await proxy.probe()).toMatchObject({ ok: true, detail: { httpPort: port, routes: 0 } });
  });

  it("serves a route to a container on the node's network at the node's address", async () => {
    const route = { id: 'web', hosts: [HOST], upstream: blue };
    await proxy.applyRoute(route);
    expect(await proxy.getRoute('web')).toEqual(route);
    expect(await get(server.host, port, HOST)).toEqual({ status: 200, body: 'blue\n' });
    expect((await get(server.host, port, 'nobody.rproxy.test')).status).toBe(404);
    const desired = JSON.parse(readFileSync(`${stateRoot}/proxy/routes.json`, 'utf8')) as { routes: unknown[] };
    expect(desired.routes).toEqual([route]);
    expect(readFileSync(`${stateRoot}/proxy/switch.json`, 'utf8')).toContain(blue);
    // A second route may not take a host the first one serves.
    expect((await rejection(proxy.applyRoute({ id: 'thief', hosts: [HOST], upstream: green }))).code).toBe('proxy_route_failed');
  });

  it('switches the upstream under constant keep-alive load with no failed request', async () => {
    const load = startLoad(port, HOST, 4, server.host);
    for (const upstreamAddr of [green, blue, green, blue, green]) {
      await new Promise((r) => setTimeout(r, 300));
      await proxy.applyRoute({ id: 'web', hosts: [HOST], upstream: upstreamAddr });
    }
    await new Promise((r) => setTimeout(r, 300));
    const report = await load.stop();
    expect(report.failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.ok).toBeGreaterThan(50);
    expect(report.bodies.get('blue\n')).toBeGreaterThan(0);
    expect(report.bodies.get('green\n')).toBeGreaterThan(0);
    expect(await proxy.getRoute('web')).toMatchObject({ upstream: green });
  });

  it("a second control plane adopts the running containers and sees the same routes", async () => {
    const before = await proxyContainers(node(), stateRoot);
    const pids = await proxy.pids();
    const second = await controlPlane(stateRoot, port);
    await second.ensureRunning();
    expect((await proxyContainers(node(), stateRoot)).map((c) => c.Id)).toEqual(before.map((c) => c.Id));
    expect(await second.pids()).toEqual(pids);
    expect(await second.listRoutes()).toEqual(await proxy.listRoutes());
    expect(await second.probe()).toMatchObject({ ok: true, detail: { routes: 1 } });
  });

  it('a restarted switch container serves the same routes, loaded from the server', async () => {
    const edgePid = (await proxy.pids()).edge;
    await node().getContainer(proxy.switch.name).restart({ t: 5 });
    await waitFor('the switch to answer', async () => (await proxy.probe()).ok);
    expect(await proxy.getRoute('web')).toMatchObject({ upstream: green });
    expect(await get(server.host, port, HOST)).toEqual({ status: 200, body: 'green\n' });
    expect((await proxy.pids()).edge).toBe(edgePid);
  });

  it('removes a route, idempotently', async () => {
    await proxy.removeRoute('web');
    await proxy.removeRoute('web');
    expect(await proxy.listRoutes()).toEqual([]);
    expect((await get(server.host, port, HOST)).status).toBe(404);
    const desired = JSON.parse(readFileSync(`${stateRoot}/proxy/routes.json`, 'utf8')) as { routes: unknown[] };
    expect(desired.routes).toEqual([]);
  });

  it('stops both containers, keeps the routes for the next start', async () => {
    await proxy.applyRoute({ id: 'web', hosts: [HOST], upstream: blue });
    const stopped = await proxy.stop();
    expect(stopped).toEqual({ edge: expect.any(Number), switch: expect.any(Number) });
    expect((await proxy.probe()).ok).toBe(false);
    expect((await rejection(proxy.listRoutes())).code).toBe('proxy_unavailable');
    await proxy.ensureRunning();
    expect(await get(server.host, port, HOST)).toEqual({ status: 200, body: 'blue\n' });
  });

  it("an edge whose port is taken on the server is proxy_unavailable with the port, and is not left running", async () => {
    const taken = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen({ port: taken, host: '::' }, resolve));
    try {
      const other = await controlPlane(otherRoot, taken);
      const err = await rejection(other.ensureRunning());
      expect(err.code).toBe('proxy_unavailable');
      expect(err.details).toMatchObject({ port: taken, reason: expect.any(String) });
      expect(await other.pids()).not.toHaveProperty('edge');
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });
});
