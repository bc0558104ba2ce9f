import type { DomainTls } from './domain-name.js';

// A custom domain of a resource, and the certificate readiness observed for it.

export const CERTIFICATE_STATES = ['pending', 'issued', 'renewing', 'failed'] as const;
export type CertificateState = (typeof CERTIFICATE_STATES)[number];

/** Why ACME failed, from the CA's or the proxy's words (cert_failed details.reason). */
export const CERT_FAILURE_REASONS = ['dns', 'connection', 'rate-limited', 'rejected'] as const;
export type CertFailureReason = (typeof CERT_FAILURE_REASONS)[number];

/** What the proxy holds for one domain, read from it (never assumed from Berth's intent). */
export interface CertificateObservation {
  state: CertificateState;
  /** `crt_<serial>` of the certificate served, when one is. */
  certificateId?: string;
  notAfter?: string;
  notBefore?: string;
  issuer?: string;
  /** For failed: the classified reason and the CA's last error (no secrets: ACME errors carry none). */
  reason?: CertFailureReason;
  error?: string;
  /** When the last ACME error was logged (failed), or the certificate was written. */
  at?: string;
}

export type DomainOrigin = 'command' | 'berth.yml';

export interface DomainRecord {
  id: string;
  resourceId: string;
  name: string;
  tls: DomainTls;
  /** A redirect-from name: requests are redirected to this domain of the same resource. */
  redirectTo: string | null;
  origin: DomainOrigin;
  /** The last observation recorded (audit is written when it changes). */
  certSeen: CertificateObservation | null;
  createdAt: string;
}

/** Whether the domain is served over HTTPS (a certificate is obtained for it). */
export const wantsCertificate = (d: Pick<DomainRecord, 'tls'>): boolean => d.tls !== 'off';

/** Whether a readiness means a valid certificate is served (a renewal in progress still serves the old one). */
export const certificateHeld = (observed: Pick<CertificateObservation, 'state'> | null | undefined): boolean => observed?.state === 'issued' || observed?.state === 'renewing';

/** Classifies an ACME error as the CA or Caddy wrote it. */
export function certFailureReason(error: string): CertFailureReason {
  if (/rateLimited|rate limit|too many/i.test(error)) return 'rate-limited';
  if (/\bdns\b|no such host|NXDOMAIN|lookup .* on/i.test(error)) return 'dns';
  if (/connection refused|connect:|timeout|i\/o timeout|dial tcp|EOF|no route to host|network is unreachable/i.test(error)) return 'connection';
  return 'rejected';
}
