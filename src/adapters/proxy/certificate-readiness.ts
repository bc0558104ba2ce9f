import { X509Certificate } from 'node:crypto';
import { certFailureReason, type CertificateObservation } from '../../core/domains/domain.js';

// Certificate readiness from what Caddy keeps: the certificate in its storage
// (certificates/<issuer>/<name>/<name>.crt) and the JSON lines of its TLS loggers (edge-tls.log).
// Pure: the callers read the files (on this host, or on a server over SFTP).

/** One line of Caddy's TLS log that names a domain. */
export interface TlsLogEntry {
  ts: number;
  level: string;
  logger: string;
  msg: string;
  identifier?: string;
  error?: string;
}

export function parseTlsLog(text: string): TlsLogEntry[] {
  const entries: TlsLogEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const e = JSON.parse(line) as Partial<TlsLogEntry> & { identifiers?: string[] };
      if (typeof e.ts === 'number' && typeof e.msg === 'string') entries.push({ ts: e.ts, level: e.level ?? 'info', logger: e.logger ?? '', msg: e.msg, identifier: e.identifier, error: e.error });
    } catch {
      // a line cut by rotation
    }
  }
  return entries;
}

const STARTED = /^(obtaining certificate|renewing certificate)$/;
const SUCCEEDED = /^certificate (obtained|renewed) successfully$/;
const FAILED = /^(could not get certificate from issuer|job failed|will retry)$/;

/** The newest certificate among the PEM files found for the domain (one per issuer directory). */
export function newestCertificate(pems: string[]): X509Certificate | undefined {
  let best: X509Certificate | undefined;
  for (const pem of pems) {
    try {
      const cert = new X509Certificate(pem);
      if (!best || Date.parse(cert.validFrom) > Date.parse(best.validFrom)) best = cert;
    } catch {
      // a half-written file: the next read sees it whole
    }
  }
  return best;
}

/**
 * pending: no certificate and no failure yet; issued: a valid certificate and no renewal under
 * way; renewing: a renewal started (or failed) after the certificate in storage; failed: no
 * valid certificate and the last attempt failed.
 */
export function certificateReadiness(domain: string, cert: X509Certificate | undefined, log: TlsLogEntry[], now: Date): CertificateObservation {
  const events = log.filter((e) => e.identifier === domain || (e.error ?? '').includes(`[${domain}]`));
  const last = [...events].reverse().find((e) => STARTED.test(e.msg) || SUCCEEDED.test(e.msg) || (FAILED.test(e.msg) && e.level === 'error'));
  const lastError = last && FAILED.test(last.msg) ? last : undefined;
  const at = (ts: number) => new Date(ts * 1000).toISOString();
  const failure = lastError ? { reason: certFailureReason(lastError.error ?? ''), error: (lastError.error ?? lastError.msg).slice(0, 500), at: at(lastError.ts) } : {};
  const valid = cert && Date.parse(cert.validTo) > now.getTime();
  if (!valid) return lastError ? { state: 'failed', ...failure } : { state: 'pending', ...(cert ? { notAfter: new Date(cert.validTo).toISOString() } : {}) };
  const held = { certificateId: `crt_${cert.serialNumber.toLowerCase()}`, notBefore: new Date(cert.validFrom).toISOString(), notAfter: new Date(cert.validTo).toISOString(), issuer: cert.issuer.split('\n').find((l) => l.startsWith('CN='))?.slice(3) ?? cert.issuer };
  // A renewal that began after this certificate was issued (Caddy writes the new one when it succeeds).
  const renewing = last && !SUCCEEDED.test(last.msg) && last.ts * 1000 > Date.parse(cert.validFrom) && (last.msg === 'renewing certificate' || events.some((e) => e.msg === 'renewing certificate' && e.ts * 1000 > Date.parse(cert.validFrom)));
  return renewing ? { state: 'renewing', ...held, ...failure } : { state: 'issued', ...held };
}
