import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy, getWithHost, viaProxy } from '../support/deploy.js';
import { nodeApp } from '../support/apps.js';
import { edgeTlsEnv, httpsGet, loopbackAddress, startAcmeCa, type TestAcmeCa } from './acme-ca.js';

// Custom domains over HTTPS against a local ACME CA: a domain gets its certificate from the CA,
// the HTTPS answer is validated against that CA's root, HTTP redirects once it is issued, and
// readiness, the work item and the audit event say so. Then the domain rules, and a stopped CA.

const APP = 'app.example.test';
const WWW = 'www.example.test';
const OTHER = 'other.example.test';
const BROKEN = 'broken.example.test';
const health = { path: '/', timeoutSeconds: 30, intervalMs: 200 };

interface CertWork {
  kind: string;
  status: string;
  deploymentId: string | null;
  certificateId: string | null;
  error: { code: string; phase: string; category: string; retryable: boolean; details: Record<string, unknown> } | null;
  details: { domain?: string };
}

/** The certificate work items, each with its details (the list shows summaries). */
async function certificateWork(plane: TestControlPlane): Promise<CertWork[]> {
  const list = await api<{ items: { id: string }[] }>(plane, 'GET', '/api/work?kind=certificate');
  return Promise.all(list.body.items.map(async (w) => (await api<CertWork>(plane, 'GET', `/api/work/${w.id}`)).body));
}

describe('custom domains with certificates from an ACME CA', () => {
  let ca: TestAcmeCa;
  let plane: TestControlPlane;
  const edge = loopbackAddress();

  beforeAll(async () => {
    ca = await startAcmeCa([APP, WWW, OTHER, BROKEN], edge);
    plane = await startTestControlPlane({ ...edgeTlsEnv(ca, edge, 15), BERTH_ACME_EMAIL: 'ops@example.test' });
  }, 60_000);
  afterAll(async () => {
    await plane?.close();
    await ca?.stop();
  });

  let resourceId = '';
  let generatedUrl = '';

  it('issues a certificate for a domain of berth.yml, verifies HTTPS against the CA root, redirects HTTP', async () => {
    const d = await deploy(plane, { name: 'shop', source: { kind: 'folder', location: nodeApp({ '/': [200, 'shop-v1'] }) }, health, access: { domains: [{ domain: APP, tls: 'auto', redirectFrom: [WWW] }] } });
    expect(d.status).toBe('succeeded');
    resourceId = d.resourceId;
    generatedUrl = d.accessUrl!;

    const https = await httpsGet(edge, APP, ca.rootPem);
    expect(https.status).toBe(200);
    expect(https.body).toBe('shop-v1');
    // Plain HTTP to the domain is redirected to HTTPS now that the certificate is issued.
    const http = await getWithHost('127.0.0.1', plane.httpPort, `http://${APP}`);
    expect(http.status).toBe(308);
    // The redirect-from name goes to the domain.
    const www = await httpsGet(edge, WWW, ca.rootPem).catch(() => undefined);
    if (www) expect(www.status).toBe(308);
    // The generated URL keeps serving over HTTP.
    expect(await viaProxy(plane, generatedUrl)).toMatchObject({ status: 200, body: 'shop-v1' });

    const show = await api<{ status: { certificate: { state: string; detail: { notAfter: string | null; domains: { domain: string; state: string }[] } } } }>(plane, 'GET', `/api/resources/${resourceId}`);
    const cert = show.body.status.certificate;
    expect(cert.state).toBe('issued');
    expect(cert.detail.domains.find((x) => x.domain === APP)?.state).toBe('issued');
    expect(Date.parse(cert.detail.notAfter ?? '')).toBeGreaterThan(Date.now());

    const item = (await certificateWork(plane)).find((w) => w.details.domain === APP);
    expect(item).toMatchObject({ kind: 'certificate', status: 'succeeded' });
    expect(item!.certificateId).toMatch(/^crt_/);
    const audit = await api<{ items: { type: string }[] }>(plane, 'GET', `/api/audit-events?aggregate=${resourceId}`);
    expect(audit.body.items.some((e) => e.type === 'certificate.issued')).toBe(true);
  }, 240_000);

  it('refuses a domain owned by another resource (domain_conflict) and an invalid one (domain_invalid)', async () => {
    const other = await deploy(plane, { name: 'blog', source: { kind: 'folder', location: nodeApp({ '/': [200, 'blog'] }) }, health });
    expect(other.status).toBe('succeeded');
    const clash = await api<{ error: { code: string; details: Record<string, unknown> } }>(plane, 'POST', `/api/resources/${other.resourceId}/domains`, { domain: APP });
    expect(clash.body.error.code).toBe('domain_conflict');
    expect(clash.body.error.details.ownerResourceId).toBe(resourceId);
    const wildcard = await api<{ error: { code: string; details: Record<string, unknown> } }>(plane, 'POST', `/api/resources/${other.resourceId}/domains`, { domain: '*.example.test' });
    expect(wildcard.body.error).toMatchObject({ code: 'domain_invalid', details: { field: 'domain' } });
    const internal = await api<{ error: { code: string; details: Record<string, unknown> } }>(plane, 'POST', `/api/resources/${other.resourceId}/domains`, { domain: 'blog.example.test', tls: 'internal' });
    expect(internal.body.error).toMatchObject({ code: 'domain_invalid', details: { field: 'domain.tls' } });
    const idn = await api<{ items: { domain: string }[] }>(plane, 'POST', `/api/resources/${other.resourceId}/domains`, { domain: 'bücher.example.test', tls: 'off' });
    expect(idn.body.items[0]!.domain).toBe('xn--bcher-kva.example.test');
  }, 120_000);

  it('removing a domain stops serving it and leaves the others alone', async () => {
    const added = await api<{ routed: boolean }>(plane, 'POST', `/api/resources/${resourceId}/domains`, { domain: OTHER, tls: 'off' });
    expect(added.body.routed).toBe(true);
    expect(await getWithHost('127.0.0.1', plane.httpPort, `http://${OTHER}`)).toMatchObject({ status: 200, body: 'shop-v1' });
    const removed = await api<{ removed: string[] }>(plane, 'POST', `/api/domains/${OTHER}/remove`, { confirm: OTHER });
    expect(removed.body.removed).toEqual([OTHER]);
    expect((await getWithHost('127.0.0.1', plane.httpPort, `http://${OTHER}`)).status).toBe(404);
    expect(await httpsGet(edge, APP, ca.rootPem)).toMatchObject({ status: 200, body: 'shop-v1' });
    expect(await viaProxy(plane, generatedUrl)).toMatchObject({ status: 200 });
  }, 120_000);

  it('a stopped CA gives cert_failed on the certificate work item; readiness failed; HTTP still serves', async () => {
    await ca.stop();
    const added = await api<{ routed: boolean }>(plane, 'POST', `/api/resources/${resourceId}/domains`, { domain: BROKEN });
    expect(added.body.routed).toBe(true);
    const redeploy = await api<{ id: string }>(plane, 'POST', `/api/resources/${resourceId}/redeploy`, {});
    const { waitTerminal } = await import('../support/deploy.js');
    const done = await waitTerminal(plane, redeploy.body.id, 180_000);
    expect(done.status).toBe('succeeded');
    const failed = (await certificateWork(plane)).find((w) => w.details.domain === BROKEN && w.deploymentId === done.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toMatchObject({ code: 'cert_failed', phase: 'verify', category: 'provider', retryable: true, details: { domain: BROKEN, ca: ca.directory } });
    expect(['dns', 'connection', 'rate-limited', 'rejected']).toContain(failed!.error!.details.reason);
    const show = await api<{ status: { certificate: { state: string; detail: { domains: { domain: string; state: string }[] } } } }>(plane, 'GET', `/api/resources/${resourceId}`);
    expect(show.body.status.certificate.state).toBe('failed');
    expect(show.body.status.certificate.detail.domains.find((x) => x.domain === BROKEN)?.state).toBe('failed');
    expect(await viaProxy(plane, generatedUrl)).toMatchObject({ status: 200, body: 'shop-v1' });
    const audit = await api<{ items: { type: string }[] }>(plane, 'GET', `/api/audit-events?aggregate=${resourceId}`);
    expect(audit.body.items.some((e) => e.type === 'certificate.failed')).toBe(true);
  }, 240_000);
});
