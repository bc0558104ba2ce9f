import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { TEST_ROOT } from '../support/paths.js';
import { freePort } from '../support/ports.js';

// A local ACME CA for TLS tests: a second Caddy with its acme_server over a local pki authority.
// Its root is trusted only by the edge (BERTH_ACME_CA_ROOT) and the test's own HTTPS client.
// The CA must find the test's domains at the edge to validate them (TLS-ALPN-01 on port 443):
// it runs in its own mount namespace with a hosts file naming them, so the host's /etc/hosts is
// never touched. Each test edge listens on its own loopback address (127.x.y.z:443).

export interface TestAcmeCa {
  directory: string;
  /** PEM file of the CA's root. */
  rootFile: string;
  rootPem: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** A control plane's environment for an edge HTTPS listener at `edge` that gets its certificates from `ca`. */
export function edgeTlsEnv(ca: Pick<TestAcmeCa, 'directory' | 'rootFile'>, edge: string, certRetrySeconds: number): Record<string, string> {
  return {
    BERTH_HTTPS_LISTEN: `${edge}:443`,
    BERTH_ACME_CA: ca.directory,
    BERTH_ACME_CA_ROOT: ca.rootFile,
    BERTH_ACME_CHALLENGES: 'tls-alpn-01',
    BERTH_CERT_RETRY_SECONDS: String(certRetrySeconds),
  };
}

/**
 * What the test CA issues: Caddy 2.6's acme_server has no lifetime setting, so certificates
 * are valid 12 hours from issue, with notBefore backdated one minute.
 */
const ISSUED_FOR_SECONDS = 12 * 3600;
const BACKDATE_SECONDS = 60;

/**
 * The edge's renewal ratio (BERTH_CERT_RENEWAL_RATIO) that makes the edge renew a certificate
 * from the test CA `seconds` after it was issued: the renewal window is that fraction of the
 * whole validity (backdate included), counted back from notAfter.
 */
export function renewalRatioAfter(seconds: number): number {
  return (ISSUED_FOR_SECONDS - seconds) / (ISSUED_FOR_SECONDS + BACKDATE_SECONDS);
}

/** A loopback address of its own for one test's edge HTTPS listener. */
export function loopbackAddress(): string {
  const n = 2 + Math.floor(Math.random() * 60_000);
  return `127.${100 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

/**
 * `issuer: 'other'` issues from a second authority whose root is not `rootFile`: the directory
 * stays trusted (its HTTPS is from the first), the certificates it issues are not.
 * `validationDelayMs`: the CA's validation connections to the edge are held that long before
 * they go through, so each issue or renewal takes seconds, as with a CA on the internet.
 */
export async function startAcmeCa(names: string[], edgeAddress: string, opts: { issuer?: 'same' | 'other'; validationDelayMs?: number } = {}): Promise<TestAcmeCa> {
  const issuing = opts.issuer === 'other' ? 'issuing' : 'local';
  mkdirSync(TEST_ROOT, { recursive: true });
  const dir = mkdtempSync(`${TEST_ROOT}/acme-ca-`);
  const port = await freePort();
  const hosts = join(dir, 'hosts');
  const relay = opts.validationDelayMs ? await delayingRelay(edgeAddress, opts.validationDelayMs) : undefined;
  const validatesAt = relay?.address ?? edgeAddress;
  writeFileSync(hosts, `127.0.0.1 localhost\n${names.map((n) => `${validatesAt} ${n}`).join('\n')}\n`);
  const config = join(dir, 'ca.json');
  writeFileSync(
    config,
    JSON.stringify({
      admin: { disabled: true },
      logging: { logs: { default: { level: 'WARN' } } },
      apps: {
        pki: { certificate_authorities: { local: { install_trust: false }, ...(issuing === 'local' ? {} : { [issuing]: { install_trust: false } }) } },
        http: {
          servers: {
            ca: {
              listen: [`127.0.0.1:${port}`],
              automatic_https: { disable_redirects: true },
              tls_connection_policies: [{ default_sni: '127.0.0.1' }],
              routes: [{ match: [{ host: ['127.0.0.1'] }], handle: [{ handler: 'acme_server', ca: issuing }] }],
            },
          },
        },
        tls: { automation: { policies: [{ subjects: ['127.0.0.1'], issuers: [{ module: 'internal', ca: 'local' }] }] } },
      },
    }),
  );
  const rootFile = join(dir, 'data', 'caddy', 'pki', 'authorities', 'local', 'root.crt');
  const directory = `https://127.0.0.1:${port}/acme/${issuing}/directory`;
  let child: ChildProcess | undefined;
  const start = async () => {
    await relay?.listen();
    child = spawn('unshare', ['-m', 'sh', '-c', `mount --bind ${hosts} /etc/hosts && exec caddy run --config ${config}`], {
      env: { ...process.env, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') },
      stdio: ['ignore', 'ignore', openSync(join(dir, 'ca.log'), 'a')],
    });
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        if ((await directoryStatus(directory, readFileSync(rootFile, 'utf8'))) === 200) return;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('test ACME CA did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await start();
  const rootPem = readFileSync(rootFile, 'utf8');
  return {
    directory,
    rootFile,
    rootPem,
    start,
    stop: async () => {
      const c = child;
      await relay?.close();
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
      });
    },
  };
}

/** A TCP relay on a loopback address of its own, port 443, that holds each connection `delayMs` before piping it to the edge. */
async function delayingRelay(edgeAddress: string, delayMs: number): Promise<{ address: string; listen(): Promise<void>; close(): Promise<void> }> {
  const address = loopbackAddress();
  let server: Server | undefined;
  const open = new Set<Socket>();
  return {
    address,
    listen: async () => {
      if (server) return;
      const s = createServer((client) => {
        open.add(client);
        client.pause();
        const timer = setTimeout(() => {
          const upstream = connect({ host: edgeAddress, port: 443 }, () => {
            client.pipe(upstream).pipe(client);
            client.resume();
          });
          open.add(upstream);
          upstream.on('error', () => client.destroy());
          upstream.on('close', () => open.delete(upstream));
        }, delayMs);
        client.on('error', () => clearTimeout(timer));
        client.on('close', () => {
          clearTimeout(timer);
          open.delete(client);
        });
      });
      await new Promise<void>((resolve, reject) => s.once('error', reject).listen(443, address, () => resolve()));
      server = s;
    },
    close: async () => {
      const s = server;
      server = undefined;
      for (const socket of open) socket.destroy();
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}

function directoryStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** HTTPS GET of a domain at the edge's address (the client resolves the name itself), trusting only `ca`. */
export function httpsGet(address: string, domain: string, ca: string, path = '/'): Promise<{ status: number; body: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: domain, port: 443, path, ca, agent: false, timeout: 15_000, lookup: (_h, opts, cb) => (opts.all ? cb(null, [{ address, family: 4 }] as never) : cb(null, address, 4)) },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ...(res.headers.location ? { location: res.headers.location } : {}) }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}
