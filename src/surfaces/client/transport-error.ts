import { BerthError } from '../../core/errors/berth-error.js';
import type { ClientTrust } from './tls-trust.js';

// Node's names for a certificate it refused, by what the user does about it. Every other
// certificate error is `untrusted` too: a refused certificate is never a reachability problem.
const TLS_REASONS: Record<string, string> = {
  ERR_TLS_CERT_ALTNAME_INVALID: 'name-mismatch',
  HOSTNAME_MISMATCH: 'name-mismatch',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
};
const CERT_CODE = /CERT|SELF_SIGNED|ISSUER|VERIFY|CHAIN|INVALID_CA|PATH_LENGTH|INVALID_PURPOSE/;

/** A failed request to the control plane as its catalogued error: an untrusted certificate, or unreachable. */
export function transportError(url: string, trust: ClientTrust | undefined, err: NodeJS.ErrnoException): BerthError {
  const code = err.code ?? err.name;
  if (url.startsWith('https:') && (code in TLS_REASONS || CERT_CODE.test(code))) {
    return new BerthError(
      'control_plane_tls_untrusted',
      'The control plane presented a certificate this CLI does not trust; nothing was sent.',
      { url, reason: TLS_REASONS[code] ?? 'untrusted', tlsCode: code, ...(trust?.caFile ? { caFile: trust.caFile } : {}) },
    );
  }
  return new BerthError('control_plane_unreachable', 'The control plane could not be reached.', { url, reason: code });
}
