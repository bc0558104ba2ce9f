import { describe, expect, it } from 'vitest';
import { domainRoute } from '../../../src/engine/domains/domain-route.js';
import { publicRoute } from '../../../src/engine/domains/control-plane-route.js';
import type { EdgeProxy, EdgeTls } from '../../../src/ports/edge-proxy.js';

// The redirect rules of a route, pure: a resource's TLS domain keeps plain HTTP until its
// certificate is held; the control plane's public host never serves the API in clear.

const tls: EdgeTls = { listen: ':443', port: 443, ca: 'https://ca.example.test/directory', challenges: ['tls-alpn-01'] };
const withTls = { tls: () => tls } as unknown as EdgeProxy;
const httpOnly = { tls: () => undefined } as unknown as EdgeProxy;
const edge = { host: 'berth.example.test', upstream: '127.0.0.1:7420' };

describe('routes of TLS hosts', () => {
  it('redirects the public host to HTTPS before any certificate is held', () => {
    expect(publicRoute(edge, withTls)).toMatchObject({ hosts: [edge.host], tlsHosts: [edge.host], httpsOnly: [edge.host] });
    expect(publicRoute(edge, withTls).httpsOnly).toEqual([edge.host]);
  });

  it('keeps a pending resource domain on HTTP, and redirects it once issued', () => {
    const domain = { name: 'app.example.test', tls: 'auto' as const, redirectTo: null, certSeen: null };
    const base = { id: 'berth-res_1', host: 'app.prod.localhost', upstream: '10.0.0.2:3000' };
    expect(domainRoute(base, [domain], withTls).httpsOnly).toBeUndefined();
    expect(domainRoute(base, [{ ...domain, certSeen: { state: 'issued' } }], withTls).httpsOnly).toEqual([domain.name]);
  });

  it('without the edge HTTPS listener, no host is redirected', () => {
    expect(publicRoute(edge, httpOnly).httpsOnly).toBeUndefined();
  });
});
