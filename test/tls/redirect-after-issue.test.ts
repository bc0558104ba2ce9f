import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy, getWithHost } from '../support/deploy.js';
import { nodeApp } from '../support/apps.js';
import { edgeTlsEnv, httpsGet, loopbackAddress, startAcmeCa, type TestAcmeCa } from './acme-ca.js';

// A domain added to a resource that already serves gets its certificate outside any deploy (at
// the first HTTPS request). Its plain HTTP must redirect to HTTPS from then on, without waiting
// for a deploy or another domain change to re-route the resource: the certificate observer
// re-routes it when it records the certificate.

const APP = 'late.example.test';
const health = { path: '/', timeoutSeconds: 30, intervalMs: 200 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('HTTP to HTTPS after a certificate issued outside a deploy', () => {
  let ca: TestAcmeCa;
  let plane: TestControlPlane;
  const edge = loopbackAddress();

  beforeAll(async () => {
    ca = await startAcmeCa([APP], edge);
    plane = await startTestControlPlane({ ...edgeTlsEnv(ca, edge, 15), BERTH_CERT_OBSERVE_MS: '250' });
  }, 60_000);
  afterAll(async () => {
    await plane?.close();
    await ca?.stop();
  });

  it('redirects once the observer records the certificate, with no deploy in between', async () => {
    const d = await deploy(plane, { name: 'late', source: { kind: 'folder', location: nodeApp({ '/': [200, 'late-v1'] }) }, health });
    expect(d.status).toBe('succeeded');
    const added = await api<{ routed: boolean; items: { readiness: string }[] }>(plane, 'POST', `/api/resources/${d.resourceId}/domains`, { domain: APP });
    expect(added.body.routed).toBe(true);
    // No certificate yet: plain HTTP serves the app.
    expect(await getWithHost('127.0.0.1', plane.httpPort, `http://${APP}`)).toMatchObject({ status: 200, body: 'late-v1' });

    // The first HTTPS request makes the edge obtain the certificate on demand.
    let https = { status: 0, body: '' };
    for (const until = Date.now() + 60_000; Date.now() < until && https.status !== 200; await sleep(250)) https = await httpsGet(edge, APP, ca.rootPem).catch(() => ({ status: 0, body: '' }));
    expect(https).toMatchObject({ status: 200, body: 'late-v1' });

    let http = { status: 0 };
    for (const until = Date.now() + 20_000; Date.now() < until && http.status !== 308; await sleep(250)) http = await getWithHost('127.0.0.1', plane.httpPort, `http://${APP}`);
    expect(http.status).toBe(308);
    const domains = await api<{ items: { domain: string; readiness: string }[] }>(plane, 'GET', `/api/domains?resource=${d.resourceId}`);
    expect(domains.body.items.find((x) => x.domain === APP)?.readiness).toBe('issued');
    // Without a deploy: the resource has its one attempt still.
    const attempts = await api<{ items: unknown[] }>(plane, 'GET', `/api/deployments?resourceId=${d.resourceId}`);
    expect(attempts.body.items).toHaveLength(1);
  }, 180_000);
});
