import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy } from '../support/deploy.js';
import { nodeApp } from '../support/apps.js';
import { startLoad } from '../support/load.js';
import { edgeTlsEnv, loopbackAddress, renewalRatioAfter, startAcmeCa, type TestAcmeCa } from './acme-ca.js';

// A certificate renews under HTTPS keep-alive load. The test CA's certificates are valid 12
// hours (Caddy 2.6's acme_server has no lifetime setting), so the edge is told to renew them
// RENEW_AFTER seconds after issue (BERTH_CERT_RENEWAL_RATIO): a short life as far as renewal
// goes. The CA holds each validation VALIDATION_DELAY_MS, so a renewal takes seconds as with a
// CA on the internet. Readiness read through the API must pass through `renewing`, as must the
// readiness the control plane's observer records; the audit log gets `certificate.renewed` with
// the new certificate, the edge serves it, and no request of the load fails.

const APP = 'renew.example.test';
const RENEW_AFTER = 25;
const VALIDATION_DELAY_MS = 3_000;
const health = { path: '/', timeoutSeconds: 30, intervalMs: 200 };

interface Served {
  serial: string;
  validFrom: number;
}

/** The certificate the edge serves for the domain on a new TLS connection (the client resolves the name itself). */
function servedCertificate(address: string, domain: string, ca: string): Promise<Served> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port: 443, servername: domain, ca, timeout: 20_000 }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve({ serial: cert.serialNumber.toLowerCase(), validFrom: Date.parse(cert.valid_from) });
    });
    socket.on('error', reject);
    socket.on('timeout', () => socket.destroy(new Error('timeout')));
  });
}

interface CertAudit {
  type: string;
  payload: { domain: string; state: string; certificateId: string | null; notAfter: string | null };
}

async function certificateAudit(plane: TestControlPlane, resourceId: string): Promise<CertAudit[]> {
  const list = await api<{ items: { id: string; type: string }[] }>(plane, 'GET', `/api/audit-events?aggregate=${resourceId}`);
  const certs = list.body.items.filter((e) => e.type.startsWith('certificate.'));
  return Promise.all(certs.map(async (e) => (await api<CertAudit>(plane, 'GET', `/api/audit-events/${e.id}?aggregate=${resourceId}`)).body));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('certificate renewal', () => {
  let ca: TestAcmeCa;
  let plane: TestControlPlane;
  const edge = loopbackAddress();

  beforeAll(async () => {
    ca = await startAcmeCa([APP], edge, { validationDelayMs: VALIDATION_DELAY_MS });
    plane = await startTestControlPlane({ ...edgeTlsEnv(ca, edge, 30), BERTH_CERT_RENEWAL_RATIO: String(renewalRatioAfter(RENEW_AFTER)), BERTH_CERT_OBSERVE_MS: '250' });
  }, 60_000);
  afterAll(async () => {
    await plane?.close();
    await ca?.stop();
  });

  it('renews under HTTPS load: readiness passes through renewing, certificate.renewed is written, 0 requests fail', async () => {
    const d = await deploy(plane, { name: 'renew', source: { kind: 'folder', location: nodeApp({ '/': [200, 'renew-v1'] }) }, health, access: { domains: [{ domain: APP, tls: 'auto' }] } });
    expect(d.status).toBe('succeeded');

    // Keep-alive HTTPS load, validated against the CA root, from before the renewal window opens.
    const load = startLoad(443, APP, 4, edge, { ca: ca.rootPem });
    const loadStarted = Date.now();
    const first = await servedCertificate(edge, APP, ca.rootPem);
    // notBefore is backdated a minute: the window opens RENEW_AFTER seconds after the issue.
    expect(first.validFrom + (60 + RENEW_AFTER) * 1000).toBeGreaterThan(loadStarted);
    const issued = (await certificateAudit(plane, d.resourceId)).find((e) => e.type === 'certificate.issued');
    expect(issued?.payload.certificateId).toBe(`crt_${first.serial}`);

    // Readiness as the API reads it from the edge, and as the observer recorded it, polled fast;
    // new TLS connections meanwhile (Caddy renews an on-demand certificate at a handshake).
    const live = new Set<string>();
    const recorded = new Set<string>();
    let served = first;
    let renewed: CertAudit | undefined;
    const deadline = Date.now() + 100_000;
    let done = false;
    const probing = (async () => {
      while (!done && Date.now() < deadline) {
        served = await servedCertificate(edge, APP, ca.rootPem);
        await sleep(1_000);
      }
    })();
    while (Date.now() < deadline) {
      const show = await api<{ status: { certificate: { detail: { domains: { domain: string; state: string }[] } } } }>(plane, 'GET', `/api/resources/${d.resourceId}`);
      live.add(show.body.status.certificate.detail.domains.find((x) => x.domain === APP)?.state ?? 'missing');
      const domains = await api<{ items: { domain: string; readiness: string }[] }>(plane, 'GET', `/api/domains?resource=${d.resourceId}`);
      recorded.add(domains.body.items.find((x) => x.domain === APP)?.readiness ?? 'missing');
      renewed = (await certificateAudit(plane, d.resourceId)).find((e) => e.type === 'certificate.renewed');
      if (renewed && served.serial !== first.serial) break;
      await sleep(100);
    }
    done = true;
    await probing;
    const report = await load.stop();

    expect([...live]).toContain('renewing');
    expect([...recorded]).toContain('renewing');
    expect(served.serial).not.toBe(first.serial);
    expect(renewed?.payload).toMatchObject({ domain: APP, state: 'issued' });
    expect(renewed!.payload.certificateId).toMatch(/^crt_/);
    expect(renewed!.payload.certificateId).not.toBe(issued!.payload.certificateId);
    expect(Date.parse(renewed!.payload.notAfter ?? '')).toBeGreaterThan(Date.parse(issued!.payload.notAfter ?? ''));
    expect(report.failures).toEqual([]);
    expect(report.failed).toBe(0);
    expect(report.ok).toBeGreaterThan(100);
    console.log(`renewal under load: ${report.ok} requests, ${report.failed} failed, ${Math.round((Date.now() - loadStarted) / 1000)} s; readiness seen ${[...live].join(', ')}; recorded ${[...recorded].join(', ')}`);

    // The renewal is a certificate work item of the observer (no deployment), after the deploy's.
    const items = await api<{ items: { id: string }[] }>(plane, 'GET', '/api/work?kind=certificate');
    const work = await Promise.all(items.body.items.map(async (w) => (await api<{ kind: string; status: string; deploymentId: string | null; certificateId: string | null; details: Record<string, unknown> }>(plane, 'GET', `/api/work/${w.id}`)).body));
    const renewal = work.find((w) => w.details.event === 'certificate.renewed');
    expect(renewal).toMatchObject({ kind: 'certificate', status: 'succeeded', deploymentId: null, certificateId: renewed!.payload.certificateId, details: { domain: APP, previousCertificateId: issued!.payload.certificateId } });
  }, 180_000);
});
