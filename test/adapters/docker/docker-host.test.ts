import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../../../src/adapters/docker/engine.js';
import { serveSettings } from '../../../src/main/settings.js';
import { createTargets } from '../../../src/main/targets.js';

// DOCKER_HOST and the TLS variables are read by dockerode (docker-modem), not by Berth. Each case
// points Berth at a relay in front of the real engine's socket; the relay counts connections, so a
// pass proves the request went where DOCKER_HOST says, not to the default socket.

const ENGINE_SOCKET = '/var/run/docker.sock';

interface Relay {
  connections: number;
  close(): Promise<void>;
}

function relay(server: Server): Relay {
  const r: Relay = { connections: 0, close: () => new Promise((done) => server.close(() => done())) };
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => sockets.add(s));
  const close = r.close;
  r.close = () => {
    for (const s of sockets) s.destroy();
    return close();
  };
  return r;
}

function pipeToEngine(client: Socket | TLSSocket, r: Relay): void {
  r.connections++;
  const upstream = connect(ENGINE_SOCKET);
  client.pipe(upstream).pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
}

function listen(server: Server, where: number | string): Promise<void> {
  return new Promise((done) => (typeof where === 'string' ? server.listen(where, done) : server.listen(where, '127.0.0.1', done)));
}

const portOf = (s: Server) => (s.address() as { port: number }).port;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-docker-host-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DOCKER_HOST reaches the engine it names', () => {
  it('tcp://127.0.0.1:<port>, from the control plane settings to the engine', async () => {
    const server = createServer();
    const r = relay(server);
    server.on('connection', (s) => pipeToEngine(s, r));
    await listen(server, 0);
    try {
      const targets = createTargets(serveSettings({ DOCKER_HOST: `tcp://127.0.0.1:${portOf(server)}`, BERTH_HOME: dir }));
      const info = await targets.local.engine.info();
      expect(info).toBeDefined();
      expect(r.connections).toBeGreaterThan(0);
    } finally {
      await r.close();
    }
  });

  it('host:port without a scheme, as the docker CLI accepts it', async () => {
    const server = createServer();
    const r = relay(server);
    server.on('connection', (s) => pipeToEngine(s, r));
    await listen(server, 0);
    try {
      await dockerClient({ DOCKER_HOST: `127.0.0.1:${portOf(server)}` }).ping();
      expect(r.connections).toBeGreaterThan(0);
    } finally {
      await r.close();
    }
  });

  it('unix:///path', async () => {
    const path = join(dir, 'relay.sock');
    const server = createServer();
    const r = relay(server);
    server.on('connection', (s) => pipeToEngine(s, r));
    await listen(server, path);
    try {
      const targets = createTargets(serveSettings({ DOCKER_HOST: `unix://${path}`, BERTH_HOME: dir }));
      await targets.local.engine.ping();
      expect(r.connections).toBeGreaterThan(0);
    } finally {
      await r.close();
    }
  });

  it('DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH: mutual TLS with the named engine', async () => {
    const certs = join(dir, 'certs');
    makeCertificates(certs);
    const server = createTlsServer({
      key: readFileSync(join(certs, 'server-key.pem')),
      cert: readFileSync(join(certs, 'server-cert.pem')),
      ca: readFileSync(join(certs, 'ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    });
    const r = relay(server);
    let authorized = 0;
    server.on('secureConnection', (s: TLSSocket) => {
      if (s.authorized) authorized++;
      pipeToEngine(s, r);
    });
    await listen(server, 0);
    try {
      const env = { DOCKER_HOST: `tcp://localhost:${portOf(server)}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs, BERTH_HOME: dir };
      const targets = createTargets(serveSettings(env));
      await targets.local.engine.ping();
      expect(authorized).toBeGreaterThan(0);
      // Without the TLS variables the same address is spoken to in plain HTTP and refused.
      const plain = createTargets(serveSettings({ DOCKER_HOST: env.DOCKER_HOST, BERTH_HOME: dir }));
      await expect(plain.local.engine.ping()).rejects.toMatchObject({ code: 'docker_error' });
    } finally {
      await r.close();
    }
  });

  it('ssh://user@host:port is an SSH connection (docker-modem\'s own parsing)', () => {
    const modem = (dockerClient({ DOCKER_HOST: 'ssh://deploy@127.0.0.9:2222' }) as unknown as { modem: Record<string, unknown> }).modem;
    expect(modem).toMatchObject({ protocol: 'ssh', host: '127.0.0.9', port: '2222', username: 'deploy' });
  });

  it('the control plane\'s environment is used, and process.env is left as it was', () => {
    const before = process.env.DOCKER_HOST;
    const modem = (dockerClient({ DOCKER_HOST: 'tcp://127.0.0.7:1234' }) as unknown as { modem: Record<string, unknown> }).modem;
    expect(modem).toMatchObject({ host: '127.0.0.7', port: '1234', protocol: 'http' });
    expect(process.env.DOCKER_HOST).toBe(before);
    expect((dockerClient({}) as unknown as { modem: Record<string, unknown> }).modem.socketPath).toBe(ENGINE_SOCKET);
  });
});

/** A CA, a server certificate for localhost and a client certificate, named as DOCKER_CERT_PATH expects. */
function makeCertificates(out: string): void {
  mkdirSync(out, { recursive: true });
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: out, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=berth-test-ca');
  writeFileSync(join(out, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server-key.pem', '-out', 'server.csr', '-subj', '/CN=localhost');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'server-cert.pem', '-days', '1', '-extfile', 'server.ext');
  writeFileSync(join(out, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'client.csr', '-subj', '/CN=berth-client');
  ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', 'cert.pem', '-days', '1', '-extfile', 'client.ext');
}
