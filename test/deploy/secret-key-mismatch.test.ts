import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretCipher } from '../../src/adapters/secrets/cipher.js';
import { appDir } from '../support/apps.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { api, deploy } from '../support/deploy.js';

// A secret sealed under another key (a restored database, a lost secret.key) fails the deploy
// with its own operator-facing code naming the secret, never with `internal` or the value.
describe('a secret sealed with another key', () => {
  let plane: TestControlPlane;
  beforeAll(async () => {
    plane = await startTestControlPlane({ BERTH_SECRET_KEY: 'the-current-key' });
  });
  afterAll(async () => plane?.close());

  it('fails in execute with secret_key_mismatch and the secret name', async () => {
    const source = { kind: 'folder', location: appDir({ 'index.html': 'x' }) };
    const created = await api<{ id: string }>(plane, 'POST', '/api/resources', { name: 'old-key', source });
    const rid = created.body.id;
    expect((await api(plane, 'POST', `/api/resources/${rid}/secrets`, { name: 'API_TOKEN', value: 'sealed-value-1' })).status).toBe(200);
    const sealedElsewhere = createSecretCipher({ home: '/nonexistent', key: 'a-previous-key' }).seal('sealed-value-2');
    await plane.store.resourceSecrets.put(rid, 'API_TOKEN', sealedElsewhere, new Date().toISOString());

    const d = await deploy(plane, { name: 'old-key', source });
    expect({ status: d.status, code: d.error?.code, phase: d.error?.phase, category: d.error?.category }).toEqual({ status: 'failed', code: 'secret_key_mismatch', phase: 'execute', category: 'integrity' });
    expect(d.error?.details).toEqual({ resourceId: rid, name: 'API_TOKEN' });
    expect(JSON.stringify(d)).not.toContain('sealed-value');
  });
});
