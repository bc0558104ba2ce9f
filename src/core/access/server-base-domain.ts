import type { Server } from '../model/records.js';

// Generated URLs on an SSH server need names that resolve to that server. Without a base domain
// of its own, an IPv4 server gets `<ip>.sslip.io` (a public wildcard DNS that answers any
// `*.<ip>.sslip.io` with that ip), and a server registered by name gets names under it (which
// need a wildcard record). The local server keeps the control plane's base domain.

export function serverBaseDomain(server: Pick<Server, 'kind' | 'host' | 'baseDomain'>): string | undefined {
  if (server.baseDomain) return server.baseDomain;
  if (server.kind !== 'ssh' || !server.host) return undefined;
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(server.host) ? `${server.host}.sslip.io` : server.host.toLowerCase();
}
