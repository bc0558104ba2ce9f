import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../../src/main/control-plane.js';
import { serveSettings } from '../../src/main/settings.js';
import { CONTROL_PLANE_ROUTE_ID } from '../../src/engine/domains/control-plane-route.js';
import { runCli } from '../support/cli.js';
import { FAST_ENGINE_ENV } from '../support/control-plane.js';
import { recordObservedError } from '../support/observed-errors.js';
import { ROOT, TEST_ROOT } from '../support/paths.js';
import { freePort } from '../support/ports.js';
import { freshStore, type TestStoreSettings } from '../support/store.js';
import { edgeTlsEnv, loopbackAddress, startAcmeCa, type TestAcmeCa } from '../tls/acme-ca.js';

// Issue 11, scope 5, the first way: `berth serve --public-url https://HOST` on loopback, with the
// local edge's HTTPS listener, routes HOST on the edge to the API, and the edge gets HOST's
// certificate from the ACME CA (a local one here). The real CLI reaches the API through the edge
// over HTTPS; it resolves HOST to the edge's address with a test-only preload (never /etc/hosts).

const HOST = 'berth.example.test';
const PUBLIC = `https://${HOST}`;
const PRELOAD = join(ROOT, 'test/support/resolve-hosts.mjs');

type ErrorJson = { error: { code: string; phase: string; details: Record<string, unknown> } };
type Check = { name: string; status: string; detail: Record<string, unknown> };

/** A plain request at an address, with a Host header and optional TLS name; the answer's status, headers and body. */
function call(opts: { tls?: { ca: string }; address: string; port: number; method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const base = { host: opts.address, port: opts.port, method: opts.method ?? 'GET', path: opts.path, headers: { host: HOST, ...opts.headers }, agent: false as const, timeout: 15_000 };
    const done = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    };
    const req = opts.tls ? httpsRequest({ ...base, servername: HOST, ca: opts.tls.ca }, done) : httpRequest(base, done);
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end(opts.body);
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('the control plane at its public URL, served by the edge', () => {
  const edge = loopbackAddress();
  let ca: TestAcmeCa;
  let store: TestStoreSettings;
  let httpPort: number;
  let plane: ControlPlane | undefined;
  let cliHome: string;
  let otherCa: string;

  /** A control plane on this test's home, on loopback at a free port, with the edge's HTTPS from the test CA. */
  const start = async (publicUrl: string | undefined) => {
    const env = {
      BERTH_PROXY_BOOTSTRAP: 'false',
      ...FAST_ENGINE_ENV,
      ...edgeTlsEnv(ca, edge, 30),
      BERTH_CERT_OBSERVE_MS: '1000',
      BERTH_HTTP_PORT: String(httpPort),
      BERTH_HOME: store.home,
      BERTH_DATABASE_URL: store.databaseUrl ?? '',
    };
    plane = await startControlPlane(serveSettings(env, { listen: '127.0.0.1', port: '0', ...(publicUrl ? { publicUrl } : {}) }), { observeError: recordObservedError });
    return plane;
  };

  /** The real CLI reaching the API at the public URL: it resolves HOST to the edge's address. */
  const cliEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    BERTH_HOME: cliHome,
    BERTH_DATABASE_URL: '',
    BERTH_URL: PUBLIC,
    BERTH_TOKEN: plane!.token,
    BERTH_CA_CERT: ca.rootFile,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${PRELOAD}`.trim(),
    BERTH_TEST_RESOLVE: `${HOST}=${edge}`,
    ...extra,
  });

  const doctorDirect = async (p: ControlPlane): Promise<Check> => {
    const res = await fetch(`${p.url}/api/doctor`, { headers: { authorization: `Bearer ${p.token}` } });
    return ((await res.json()) as { checks: Check[] }).checks.find((c) => c.name === 'control-plane')!;
  };

  beforeAll(async () => {
    mkdirSync(TEST_ROOT, { recursive: true });
    const dir = mkdtempSync(join(TEST_ROOT, 'edge-api-'));
    cliHome = mkdtempSync(join(dir, 'cli-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'other.key', '-out', 'other.pem', '-days', '1', '-subj', '/CN=other test CA'], { cwd: dir, stdio: 'ignore' });
    otherCa = join(dir, 'other.pem');
    ca = await startAcmeCa([HOST], edge);
    store = await freshStore();
    httpPort = await freePort();
    await start(`${PUBLIC}:443`);
  }, 90_000);
  afterAll(async () => {
    await plane?.close();
    await plane?.targets.local.proxy.stop().catch(() => undefined);
    await ca?.stop();
  });

  it('routes the public host to the API with a certificate from the CA: the CLI talks to it over HTTPS, doctor shows it issued', async () => {
    const p = plane!;
    const port = Number(new URL(p.url).port);
    // The edge obtains the certificate on the control plane's own first handshake.
    const cp = await until('the public certificate', async () => {
      const check = await doctorDirect(p);
      return (check.detail.publicUrlCertificate as { state?: string } | undefined)?.state === 'issued' ? check : undefined;
    });
    expect(cp.detail).toMatchObject({ publicUrl: PUBLIC, publicUrlServedBy: 'edge' });

    const listed = await runCli(['resource', 'list', '--json'], cliEnv());
    expect({ code: listed.code, stderr: listed.code === 0 ? '' : listed.stderr }).toEqual({ code: 0, stderr: '' });
    expect(listed.json<{ items: unknown[] }>().items).toEqual([]);

    const doctor = await runCli(['doctor', '--json'], cliEnv());
    const check = doctor.json<{ checks: Check[] }>().checks.find((c) => c.name === 'control-plane')!;
    expect(check).toMatchObject({ status: 'ok', detail: { transport: 'http', publicUrl: PUBLIC, publicUrlServedBy: 'edge', publicUrlCertificate: { state: 'issued' } } });
    const cert = check.detail.publicUrlCertificate as { notAfter: string; certificateId: string };
    expect(Date.parse(cert.notAfter)).toBeGreaterThan(Date.now());
    expect(cert.certificateId).toMatch(/^crt_/);

    // One route, under its reserved id, to the API's own loopback listener; HTTP redirects once issued.
    const route = await until('the redirect', async () => {
      const r = await p.targets.local.proxy.getRoute(CONTROL_PLANE_ROUTE_ID);
      return r?.httpsOnly?.includes(HOST) ? r : undefined;
    });
    expect(route).toMatchObject({ id: CONTROL_PLANE_ROUTE_ID, hosts: [HOST], upstream: `127.0.0.1:${port}`, tlsHosts: [HOST] });
    const http = await call({ address: '127.0.0.1', port: httpPort, path: '/api/health' });
    expect(http.status).toBe(308);
    expect(http.headers.location).toBe(`${PUBLIC}/api/health`);

    // The edge was started for it (BERTH_PROXY_BOOTSTRAP=false here), as one proxy-bootstrap work item.
    await until('the work item', async () => {
      const work = await fetch(`${p.url}/api/work?kind=proxy-bootstrap`, { headers: { authorization: `Bearer ${p.token}` } });
      return ((await work.json()) as { items: { status: string }[] }).items.some((w) => w.status === 'succeeded') ? true : undefined;
    }, 20_000);
  }, 180_000);

  it('behind the edge the API still needs a bearer token, and the console cookie is Secure and SameSite=Strict', async () => {
    const tls = { ca: ca.rootPem };
    const anonymous = await call({ tls, address: edge, port: 443, path: '/api/resources' });
    expect(anonymous.status).toBe(401);
    expect((JSON.parse(anonymous.body) as ErrorJson).error.code).toBe('token_invalid');

    const signIn = await call({ tls, address: edge, port: 443, method: 'POST', path: '/console/session', headers: { 'content-type': 'application/json', origin: PUBLIC }, body: JSON.stringify({ token: plane!.token }) });
    expect(signIn.status).toBe(200);
    const cookie = String(signIn.headers['set-cookie']);
    for (const attribute of ['HttpOnly', 'SameSite=Strict', 'Secure']) expect(cookie).toContain(attribute);
    // A sign-in posted from another origin is still refused behind the edge.
    const cross = await call({ tls, address: edge, port: 443, method: 'POST', path: '/console/session', headers: { 'content-type': 'application/json', origin: 'https://evil.example.test' }, body: JSON.stringify({ token: plane!.token }) });
    expect((JSON.parse(cross.body) as ErrorJson).error).toMatchObject({ code: 'csrf_token_invalid', details: { reason: 'cross-origin' } });
  }, 60_000);

  it('a CLI trusting another CA is refused with control_plane_tls_untrusted', async () => {
    const res = await runCli(['resource', 'list', '--json'], cliEnv({ BERTH_CA_CERT: otherCa }));
    expect(res.code).toBe(10);
    expect(res.json<ErrorJson>().error).toMatchObject({ code: 'control_plane_tls_untrusted', details: { url: PUBLIC, reason: 'untrusted', caFile: otherCa } });
  }, 60_000);

  it('a resource cannot have the public host as a domain (domain_conflict)', async () => {
    const created = await runCli(['resource', 'create', 'web', '--json'], cliEnv());
    expect(created.code).toBe(0);
    const id = created.json<{ id: string }>().id;
    for (const tls of ['auto', 'off']) {
      const added = await runCli(['domain', 'add', id, HOST, '--tls', tls, '--json'], cliEnv());
      expect(added.json<ErrorJson>().error).toMatchObject({ code: 'domain_conflict', details: { domain: HOST, resourceId: id, owner: 'control-plane' } });
    }
    const redirect = await runCli(['domain', 'add', id, 'web.example.test', '--tls', 'off', '--redirect-from', JSON.stringify([HOST]), '--json'], cliEnv());
    expect(redirect.json<ErrorJson>().error).toMatchObject({ code: 'domain_conflict', details: { domain: HOST } });
  }, 60_000);

  it('a restart routes it again to the new listener; a start without it drops the route; a resource owning the host refuses the start', async () => {
    await plane!.close();
    const again = await start(`${PUBLIC}:443`);
    const port = Number(new URL(again.url).port);
    await until('the route to the new listener', async () => ((await again.targets.local.proxy.getRoute(CONTROL_PLANE_ROUTE_ID))?.upstream === `127.0.0.1:${port}` ? true : undefined));
    const listed = await runCli(['resource', 'list', '--json'], cliEnv());
    expect(listed.code).toBe(0);
    expect(listed.json<{ items: { name: string }[] }>().items.map((r) => r.name)).toEqual(['web']);
    // Issued already: HTTP redirects from the first apply.
    expect((await again.targets.local.proxy.getRoute(CONTROL_PLANE_ROUTE_ID))?.httpsOnly).toEqual([HOST]);
    await again.close();

    const without = await start(undefined);
    await until('the route to go', async () => ((await without.targets.local.proxy.getRoute(CONTROL_PLANE_ROUTE_ID)) === undefined ? true : undefined));
    const web = (await without.store.resources.list()).find((r) => r.name === 'web')!;
    const added = await fetch(`${without.url}/api/resources/${web.id}/domains`, { method: 'POST', headers: { authorization: `Bearer ${without.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ domain: HOST, tls: 'off' }) });
    expect(added.status).toBe(200);
    await without.close();

    await expect(start(`${PUBLIC}:443`)).rejects.toMatchObject({ code: 'domain_conflict', phase: 'startup', details: { domain: HOST, ownerResourceId: web.id } });
    plane = without; // closed; afterAll stops its edge
  }, 180_000);

  it('the edge is no way around listen_insecure, and a public host the edge cannot get a certificate for is domain_invalid', async () => {
    const serveEnv = { ...process.env, BERTH_HOME: mkdtempSync(join(TEST_ROOT, 'edge-api-refused-')), BERTH_DATABASE_URL: '', BERTH_PROXY_BOOTSTRAP: 'false', ...edgeTlsEnv(ca, edge, 5), BERTH_HTTP_PORT: String(httpPort), BERTH_TLS_CERT: '', BERTH_TLS_KEY: '' };
    const port = await freePort();
    const beyond = await runCli(['serve', '--listen', `0.0.0.0:${port}`, '--public-url', PUBLIC, '--json'], serveEnv);
    expect(beyond.code).toBe(2);
    expect(beyond.json<ErrorJson>().error).toMatchObject({ code: 'listen_insecure', phase: 'startup', details: { field: 'listen', host: '0.0.0.0', port } });
    for (const url of ['https://203.0.113.5', 'https://localhost']) {
      const res = await runCli(['serve', '--listen', `127.0.0.1:${port}`, '--public-url', url, '--json'], serveEnv);
      expect({ url, code: res.code }).toEqual({ url, code: 2 });
      expect(res.json<ErrorJson>().error).toMatchObject({ code: 'domain_invalid', details: { field: 'public-url' } });
    }
  }, 60_000);
});
