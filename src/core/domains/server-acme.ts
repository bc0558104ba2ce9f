import type { Server } from '../model/records.js';

// Which ACME account a server's edge uses: each of the directory URL and the contact email is the
// server's own when it has one, else the control plane's (BERTH_ACME_CA, Let's Encrypt by
// default, and BERTH_ACME_EMAIL). The two fall back separately, so a server may name its own CA
// and keep the control plane's contact. The local server's edge is the control plane's own, so
// its settings are always the control plane's.

export type AcmeSource = 'server' | 'control-plane';

export interface ControlPlaneAcme {
  ca: string;
  email?: string | undefined;
}

export interface EffectiveAcme {
  ca: string;
  caSource: AcmeSource;
  email: string | null;
  emailSource: AcmeSource;
}

export function effectiveAcme(server: Pick<Server, 'kind' | 'acmeCa' | 'acmeEmail'>, controlPlane: ControlPlaneAcme): EffectiveAcme {
  const own = server.kind === 'ssh';
  const ca = own && server.acmeCa ? { ca: server.acmeCa, caSource: 'server' as const } : { ca: controlPlane.ca, caSource: 'control-plane' as const };
  const email = own && server.acmeEmail ? { email: server.acmeEmail, emailSource: 'server' as const } : { email: controlPlane.email ?? null, emailSource: 'control-plane' as const };
  return { ...ca, ...email };
}

/**
 * An ACME directory URL: https only, as RFC 8555 requires of every ACME request (a CA reached
 * over plain http would hand out its nonces and orders in clear), with a host and no credentials.
 */
export function acmeDirectoryProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'an https URL';
  }
  if (url.protocol !== 'https:') return 'an https URL (ACME runs over HTTPS only)';
  if (!url.hostname) return 'an https URL with a host';
  if (url.username || url.password) return 'an https URL without credentials';
  return undefined;
}
