// Benchmark (issue 10): `berth up` of a prebuilt image to an SSH server (testbed node 3: its own
// sshd and dockerd), to the first 200 through its URL at the server's address, divided by the
// same deploy to the local engine, in the same run, median of RUNS. The first deploy of each
// (proxy start, base image and image carried to the server) is a warm-up, printed apart.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { ensureBaseImages } from '../src/adapters/docker/base-images.js';
import { createDockerEngine } from '../src/adapters/docker/docker-engine.js';
import { startControlPlane } from '../src/main/control-plane.js';
import { serveSettings } from '../src/main/settings.js';
import { fmt, median, shutDown } from './support.js';

const RUNS = Number(process.env.RUNS ?? 5);
const serversFile = process.env.BERTH_TEST_SERVERS;
if (!serversFile) {
  console.error('remote-up needs the testbed: eval "$(scripts/start-test-servers.sh 3)"');
  process.exit(2);
}
const node = (JSON.parse(readFileSync(serversFile, 'utf8')) as { host: string; port: number; user: string; keyPath: string; hostKeyFingerprint: string; dockerSocket: string }[])[2]!;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
function get(address: string, port: number, host: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: address, port, path: '/', agent: false, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}
async function untilOk(address: string, port: number, host: string): Promise<void> {
  while ((await get(address, port, host)) !== 200) await new Promise((r) => setTimeout(r, 20));
}

const engine = createDockerEngine();
await ensureBaseImages(engine, { only: ['static'] });
const ctx = mkdtempSync(join(tmpdir(), 'berth-bench-img-'));
writeFileSync(join(ctx, 'Dockerfile'), 'FROM berth/static:1\nCOPY index.html /srv/index.html\n');
writeFileSync(join(ctx, 'index.html'), 'remote-bench');
const image = (await engine.build({ contextDir: ctx, dockerfile: { path: 'Dockerfile' }, tag: 'berth-bench/remote:v1', labels: {} })).tag;

const stateBase = `/var/lib/berth-bench-${process.pid}`;
mkdirSync(stateBase, { mode: 0o755 });
const uid = (flag: string) => Number(execFileSync('id', [flag, node.user], { encoding: 'utf8' }));
chownSync(stateBase, uid('-u'), uid('-g'));

const home = mkdtempSync(join(tmpdir(), 'berth-bench-'));
const httpPort = await freePort();
const remotePort = await freePort();
const plane = await startControlPlane(serveSettings({ BERTH_HOME: home, BERTH_HTTP_PORT: String(httpPort), BERTH_PROXY_BOOTSTRAP: 'true' }, { listen: '127.0.0.1', port: '0' }));
const { ApiClient } = await import('../src/surfaces/client/api-client.js');
const client = new ApiClient({ url: plane.url, token: plane.token });
const call = async <T>(method: string, path: string, body?: unknown) => JSON.parse((await client.raw(method, path, body === undefined ? undefined : JSON.stringify(body))).body) as T;
await call('POST', '/api/servers', { name: 'bench-vps', host: node.host, port: node.port, user: node.user, key: readFileSync(node.keyPath, 'utf8'), hostKey: node.hostKeyFingerprint, dockerSocket: node.dockerSocket, stateRoot: join(stateBase, 'root'), httpPort: remotePort });

/** One deploy from the create call to the first 200 through its URL; the attempt must succeed. */
async function upToLive(name: string, server?: string): Promise<number> {
  const t0 = performance.now();
  const d = await call<{ id: string }>('POST', '/api/deployments', { name, source: { kind: 'image', location: image }, network: { internalPort: 80 }, ...(server ? { server } : {}) });
  if (server) await untilOk(node.host, remotePort, `${name}.production.${node.host}.sslip.io:${remotePort}`);
  else await untilOk('127.0.0.1', httpPort, `${name}.production.localhost`);
  const ms = performance.now() - t0;
  let s = await call<{ status: string; error?: { code: string } }>('GET', `/api/deployments/${d.id}`);
  while (!['succeeded', 'failed', 'rolled-back'].includes(s.status)) s = await call('GET', `/api/deployments/${d.id}`);
  if (s.status !== 'succeeded') throw new Error(`bench deploy ${name} ended ${s.status} ${s.error?.code}`);
  return ms;
}

const warmLocal = await upToLive('warm-local');
const warmRemote = await upToLive('warm-remote', 'bench-vps');
const local: number[] = [];
const remote: number[] = [];
for (let i = 0; i < RUNS; i++) {
  local.push(await upToLive(`local-${i}`));
  remote.push(await upToLive(`remote-${i}`, 'bench-vps'));
}

const l = median(local);
const r = median(remote);
console.log(`berth up (prebuilt image) to the first 200 through its URL, median of ${RUNS} runs`);
console.log(`  local engine                          ${fmt(l)}  (baseline; first deploy ${fmt(warmLocal)})`);
console.log(`  SSH server (testbed node 3)           ${fmt(r)}  ${(r / l).toFixed(2)}x baseline (first deploy, proxy and image carried: ${fmt(warmRemote)})`);

// The server's containers (proxy included) and state root go with the benchmark.
const nodeDocker = new Docker({ socketPath: node.dockerSocket });
for (const c of await nodeDocker.listContainers({ all: true })) {
  if (c.Mounts?.some((m) => m.Source?.startsWith(stateBase)) || (c.Labels?.['dev.berth.managed'] === 'true' && Object.values(c.Labels).some((v) => v.startsWith(stateBase)))) await nodeDocker.getContainer(c.Id).remove({ force: true });
}
for (const d of await plane.store.deployments.list({ limit: 100, includeArchived: true })) {
  for (const c of d.runtime?.containers ?? []) await nodeDocker.getContainer(c.id).remove({ force: true }).catch(() => undefined);
}
rmSync(stateBase, { recursive: true, force: true });
await shutDown(plane);
