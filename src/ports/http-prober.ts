/** One HTTP GET without following redirects, for health checks and access URL observation. */
export type ProbeAnswer = { kind: 'response'; status: number; location?: string } | { kind: 'error'; code: string };

export interface HttpProber {
  get(url: string, opts: { timeoutMs: number; host?: string }): Promise<ProbeAnswer>;
}
