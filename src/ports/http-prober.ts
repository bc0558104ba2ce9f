/** One HTTP GET without following redirects, for health checks and access URL observation. */
export type ProbeAnswer = { kind: 'response'; status: number; location?: string } | { kind: 'error'; code: string };

export interface HttpProber {
  get(url: string, opts: { timeoutMs: number; host?: string }): Promise<ProbeAnswer>;
}

/** One HTTPS GET to an address with the domain as SNI and Host, the chain checked against `ca`. */
export interface TlsProbe {
  address: string;
  port: number;
  servername: string;
  path: string;
  /** PEM roots the chain must lead to; absent: the platform's store. */
  ca?: string;
  timeoutMs: number;
}

/** A refused chain or name is an error whose code is Node's TLS code (CERT_*, ERR_TLS_CERT_ALTNAME_INVALID...). */
export type TlsProbeAnswer = (ProbeAnswer & { kind: 'response'; certificateId: string; notAfter: string }) | { kind: 'error'; code: string };

export interface HttpsProber {
  getTls(probe: TlsProbe): Promise<TlsProbeAnswer>;
}
