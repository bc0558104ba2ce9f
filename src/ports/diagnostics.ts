import type { CertificateObservation } from '../core/domains/domain.js';

/** Read-only probes of the parts Berth depends on, used by `berth doctor`. */
export interface ProbeResult {
  ok: boolean;
  detail: Record<string, unknown>;
  reason?: string;
}

export interface Diagnostics {
  docker(): Promise<ProbeResult>;
  proxy(): Promise<ProbeResult>;
  /** Listeners on the edge proxy's public port other than its own edge (foreign, orphaned). */
  edgePort(): Promise<ProbeResult>;
  /** Readiness of the public URL's certificate at the local edge, when the edge serves the API there. */
  publicCertificate?(): Promise<CertificateObservation>;
}
