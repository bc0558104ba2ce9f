import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appDir } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy, journalOf } from '../support/deploy.js';
import { registerNode, remoteBase, viaEdge, type RegisteredServer, type RemoteBase } from '../support/remote-server.js';
import { testbedMissing, testServer, type TestServer } from '../support/testbed.js';
import { edgeTlsEnv, httpsGet, loopbackAddress, startAcmeCa, type TestAcmeCa } from '../tls/acme-ca.js';

// Custom domains with certificates on an SSH server (testbed node 3): the server's edge gets its
// certificate from the local ACME CA (whose root Berth writes to the server), serves HTTPS at the
// server's address, redirects HTTP once issued; readiness, the work item and the audit event are
// read from the server's edge, whose storage holds the certificate under the server's state root.
// The testbed's nodes share this machine's network namespace: the CA on 127.0.0.1 is reachable
// from the edge's host-network container, and the edge's HTTPS listener binds the node's own
// address (127.0.0.4:443), which no other test binds.

const N = 3;
const APP = 'shop.remote-tls.test';
const LATER = 'later.remote-tls.test';

interface CertWork {
  kind: string;
  status: string;
  deploymentId: string | null;
  serverId: string | null;
  certificateId: string | null;
  details: { domain?: string };
}

async function certificateWork(plane: TestControlPlane): Promise<CertWork[]> {
  const list = await api<{ items: { id: string }[] }>(plane, 'GET', '/api/work?kind=certificate');
  return Promise.all(list.body.items.map(async (w) => (await api<CertWork>(plane, 'GET', `/api/work/${w.id}`)).body));
}

/** Plain HTTP at the server's edge with the domain as Host, the redirect's Location included. */
function httpAt(address: string, port: number, host: string): Promise<{ status: number; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: address, port, path: '/', headers: { host }, agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ...(res.headers.location ? { location: res.headers.location } : {}) }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** The certificate files of a domain in a Caddy storage root (one per issuer directory). */
function certificateFilesIn(storage: string, domain: string): string[] {
  const root = join(storage, 'certificates');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((issuer) => join(root, issuer, domain, `${domain}.crt`))
    .filter((f) => existsSync(f));
}

describe.skipIf(testbedMissing)('custom domains with certificates on an SSH server (testbed node 3)', () => {
  let node: TestServer;
  let base: RemoteBase;
  let ca: TestAcmeCa;
  let plane: TestControlPlane;
  let server: RegisteredServer;

  beforeAll(async () => {
    node = testServer(N);
    base = remoteBase(node, 'tlstest');
    // The CA validates the names at the server's edge (TLS-ALPN-01 on the node's address, port 443).
    ca = await startAcmeCa([APP, LATER], node.host);
    plane = await startTestControlPlane({
      // HTTPS on the control plane (its own edge on a loopback address of its own, unused here)
      // gives the ACME settings; the server's edge listens on the node's address.
      ...edgeTlsEnv(ca, loopbackAddress(), 60),
      BERTH_SERVER_HTTPS_LISTEN: `${node.host}:443`,
      BERTH_ACME_EMAIL: 'ops@remote-tls.test',
      BERTH_CERT_OBSERVE_MS: '1000',
    });
    server = await registerNode(plane, node, base, { name: 'tlsvps' });
  }, 120_000);
  afterAll(async () => {
    await plane?.close();
    await base?.remove();
    await ca?.stop();
  });

  let resourceId = '';

  it('a domain of a resource deployed with --server gets its certificate on the server; HTTPS there; HTTP redirects', { timeout: 300_000 }, async () => {
    const d = await deploy(plane, { name: 'remote-shop', server: 'tlsvps', source: { kind: 'folder', location: appDir({ 'index.html': 'remote-shop-ok' }) }, access: { domains: [{ domain: APP, tls: 'auto' }] } });
    expect(d.error).toBeUndefined();
    expect(d.status).toBe('succeeded');
    expect(d.server).toMatchObject({ id: server.id });
    resourceId = d.resourceId;

    // The deploy's own check: the certificate step saw it issued at the server's edge.
    const step = (await journalOf(plane, d.id)).find((e) => e.data.step === 'certificate' && e.data.domain === APP);
    expect(step?.data).toMatchObject({ readiness: 'issued', url: `https://${APP}` });
    expect(step?.data.warning).toBeUndefined();

    // HTTPS at the node's address, validated against the test CA's root only.
    const https = await httpsGet(node.host, APP, ca.rootPem);
    expect(https).toMatchObject({ status: 200, body: 'remote-shop-ok' });
    // Plain HTTP to the domain at the server's edge is redirected to HTTPS now that it is issued.
    expect(await httpAt(node.host, server.httpPort, APP)).toMatchObject({ status: 308, location: `https://${APP}/` });
    // The generated URL keeps serving over HTTP at the server's edge.
    expect(await viaEdge(node, server.httpPort, d.accessUrl!)).toMatchObject({ status: 200, body: 'remote-shop-ok' });

    const show = await api<{ status: { certificate: { state: string; detail: { notAfter: string | null; domains: { domain: string; state: string; certificateId: string | null }[] } } } }>(plane, 'GET', `/api/resources/${resourceId}`);
    const cert = show.body.status.certificate;
    expect(cert.state).toBe('issued');
    expect(Date.parse(cert.detail.notAfter ?? '')).toBeGreaterThan(Date.now());
    const seen = cert.detail.domains.find((x) => x.domain === APP);
    expect(seen?.state).toBe('issued');

    const item = (await certificateWork(plane)).find((w) => w.details.domain === APP && w.deploymentId === d.id);
    expect(item).toMatchObject({ kind: 'certificate', status: 'succeeded', serverId: server.id, certificateId: seen!.certificateId });
    const audit = await api<{ items: { type: string }[] }>(plane, 'GET', `/api/audit-events?aggregate=${resourceId}`);
    expect(audit.body.items.some((e) => e.type === 'certificate.issued')).toBe(true);

    // The certificate lives in the edge's storage under the server's state root, and is the one
    // readiness reports; the control plane's home holds none. The CA root went to the server too.
    const proxyDir = join(server.stateRoot, 'proxy');
    const files = certificateFilesIn(join(proxyDir, 'edge', 'data', 'caddy'), APP);
    expect(files.length).toBe(1);
    expect(`crt_${new X509Certificate(readFileSync(files[0]!)).serialNumber.toLowerCase()}`).toBe(seen!.certificateId);
    expect(certificateFilesIn(join(plane.settings.home, 'proxy', 'edge', 'data', 'caddy'), APP)).toEqual([]);
    const roots = readdirSync(proxyDir).filter((f) => /^acme-ca-root-[0-9a-f]+\.pem$/.test(f));
    expect(roots.map((f) => readFileSync(join(proxyDir, f), 'utf8'))).toEqual([ca.rootPem]);
  });

  it("the certificate observer reads a server's domains: one added by command is recorded once issued", { timeout: 180_000 }, async () => {
    const added = await api<{ routed: boolean; items: { readiness: string }[] }>(plane, 'POST', `/api/resources/${resourceId}/domains`, { domain: LATER });
    expect(added.body.routed).toBe(true);
    // The first handshake at the server's edge starts the on-demand issue.
    let answer: { status: number; body: string } | undefined;
    for (let i = 0; i < 60 && !answer; i++) {
      answer = await httpsGet(node.host, LATER, ca.rootPem).catch(() => undefined);
      if (!answer) await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(answer).toMatchObject({ status: 200, body: 'remote-shop-ok' });
    // No deploy saw it: the background observer reads it from the server's edge.
    let item: CertWork | undefined;
    for (let i = 0; i < 60 && !item; i++) {
      item = (await certificateWork(plane)).find((w) => w.details.domain === LATER && w.status === 'succeeded');
      if (!item) await new Promise((r) => setTimeout(r, 1_000));
    }
    expect(item).toMatchObject({ kind: 'certificate', deploymentId: null, serverId: server.id });
    expect(item!.certificateId).toMatch(/^crt_/);
    const list = await api<{ items: { domain: string; readiness: string; notAfter: string | null }[] }>(plane, 'GET', `/api/domains?resource=${resourceId}`);
    expect(list.body.items.find((x) => x.domain === LATER)).toMatchObject({ readiness: 'issued', notAfter: expect.any(String) });
  });
});
