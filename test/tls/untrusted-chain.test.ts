import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeApp } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy, viaProxy, waitTerminal } from '../support/deploy.js';
import { edgeTlsEnv, loopbackAddress, startAcmeCa, type TestAcmeCa } from './acme-ca.js';

// Verify checks the chain a domain is served with, not only that one was issued: a CA that
// issues from a root the control plane does not trust gives certificate_invalid, and the
// version that served before keeps serving.

const DOMAIN = 'untrusted.example.test';
const health = { path: '/', timeoutSeconds: 30, intervalMs: 200 };

describe('a certificate whose chain the configured CA root does not vouch for', () => {
  let ca: TestAcmeCa;
  let plane: TestControlPlane;
  const edge = loopbackAddress();

  beforeAll(async () => {
    ca = await startAcmeCa([DOMAIN], edge, { issuer: 'other' });
    plane = await startTestControlPlane(edgeTlsEnv(ca, edge, 20));
  }, 60_000);
  afterAll(async () => {
    await plane?.close();
    await ca?.stop();
  });

  it('fails the attempt with certificate_invalid in verify; the previous version keeps serving', async () => {
    const v1 = await deploy(plane, { name: 'chain', source: { kind: 'folder', location: nodeApp({ '/': [200, 'chain-v1'] }) }, health });
    expect(v1.status).toBe('succeeded');
    const added = await api(plane, 'POST', `/api/resources/${v1.resourceId}/domains`, { domain: DOMAIN });
    expect(added.status).toBe(200);
    const redeploy = await api<{ id: string }>(plane, 'POST', `/api/resources/${v1.resourceId}/redeploy`, {});
    expect(redeploy.status).toBe(200);
    const done = await waitTerminal(plane, redeploy.body.id, 180_000);
    expect(done.status).not.toBe('succeeded');
    expect(done.error).toMatchObject({ code: 'certificate_invalid', phase: 'verify', details: { domain: DOMAIN } });
    expect(await viaProxy(plane, v1.accessUrl!)).toMatchObject({ status: 200, body: 'chain-v1' });
  }, 240_000);

  it('removing a domain nobody has is domain_not_found', async () => {
    const missing = await api<{ error: { code: string; details: Record<string, unknown> } }>(plane, 'POST', '/api/domains/nobody.example.test/remove', { confirm: 'nobody.example.test' });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'domain_not_found', details: { domain: 'nobody.example.test' } });
  });
});
