import { describe, expect, it } from 'vitest';
import { SERVER_DEFAULTS } from '../../../src/core/model/records.js';
import { LETS_ENCRYPT_DIRECTORY, serverEdgeTls } from '../../../src/main/settings.js';

// serverEdgeTls (pure): an SSH server's edge takes the server's own ACME CA and email when set,
// else the control plane's, and the control plane's private CA root only with that CA.

const PLANE = {
  edgeTls: { listen: ':443', port: 443, ca: 'https://acme.plane.test/dir', email: 'ops@plane.test', caRoot: '/etc/berth/root.pem', challenges: ['http-01' as const] },
  engine: { acmeTrust: '-----BEGIN CERTIFICATE-----\nplane-root\n-----END CERTIFICATE-----\n' },
};
const server = (acme: { acmeCa?: string; acmeEmail?: string } = {}) => ({ ...SERVER_DEFAULTS, kind: 'ssh' as const, ...acme });

describe('serverEdgeTls', () => {
  it("without its own settings the server's edge uses the control plane's CA, email and root", () => {
    expect(serverEdgeTls(PLANE, server())).toEqual({ listen: ':443', port: 443, ca: 'https://acme.plane.test/dir', email: 'ops@plane.test', challenges: ['http-01'], caRootPem: PLANE.engine.acmeTrust });
  });

  it("the server's own CA and email win; the control plane's root is not sent with another CA", () => {
    const tls = serverEdgeTls(PLANE, server({ acmeCa: 'https://acme.server.test/dir', acmeEmail: 'ops@server.test' }));
    expect(tls).toEqual({ listen: ':443', port: 443, ca: 'https://acme.server.test/dir', email: 'ops@server.test', challenges: ['http-01'] });
  });

  it('each setting falls back on its own: own email, control plane CA (and its root)', () => {
    expect(serverEdgeTls(PLANE, server({ acmeEmail: 'ops@server.test' }))).toMatchObject({ ca: 'https://acme.plane.test/dir', email: 'ops@server.test', caRootPem: PLANE.engine.acmeTrust });
  });

  it("Let's Encrypt is the default; HTTPS off on the control plane means none for the server", () => {
    const le = { edgeTls: { listen: ':443', port: 443, ca: LETS_ENCRYPT_DIRECTORY, challenges: ['http-01' as const] }, engine: {} };
    expect(serverEdgeTls(le, server())).toEqual({ listen: ':443', port: 443, ca: LETS_ENCRYPT_DIRECTORY, challenges: ['http-01'] });
    expect(serverEdgeTls({ engine: {} }, server({ acmeCa: 'https://acme.server.test/dir' }))).toBeUndefined();
  });
});
