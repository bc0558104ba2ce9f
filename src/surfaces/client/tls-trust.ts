import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { BerthError } from '../../core/errors/berth-error.js';
import { pemCertificates, readCertificates, SYSTEM_CA_BUNDLE, uniqueCertificates } from '../../platform/ca-bundle.js';

/** Which CAs the CLI trusts for an https control plane. */
export interface ClientTrust {
  /** BERTH_CA_CERT: named in a refusal, so the user sees which file was trusted. */
  caFile?: string;
  /** Built on the first https request: a plain loopback connection never reads the bundles. */
  secureContext(): SecureContext;
}

const invalid = (reason: string, file: string) =>
  new BerthError('tls_material_invalid', `BERTH_CA_CERT cannot be used (${reason}).`, { field: 'BERTH_CA_CERT', reason, file }, 'context-resolution');

/**
 * The system store (node's bundled roots, the host's CA bundle, NODE_EXTRA_CA_CERTS) plus
 * BERTH_CA_CERT, a PEM file for a private CA, read at once so a bad one is refused before any
 * request. Verification itself is never turned off.
 */
export function clientTrust(env: NodeJS.ProcessEnv): ClientTrust {
  const file = env.BERTH_CA_CERT || undefined;
  let own: string[] = [];
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw invalid('unreadable', file);
    }
    own = pemCertificates(text);
    if (own.length === 0) throw invalid('not-pem', file);
  }
  let context: SecureContext | undefined;
  const secureContext = () => {
    if (context) return context;
    const ca = uniqueCertificates([...rootCertificates, ...readCertificates(SYSTEM_CA_BUNDLE), ...readCertificates(env.NODE_EXTRA_CA_CERTS), ...own]);
    try {
      context = createSecureContext({ ca });
    } catch {
      throw invalid('not-pem', file ?? SYSTEM_CA_BUNDLE);
    }
    return context;
  };
  return { ...(file ? { caFile: file } : {}), secureContext };
}
