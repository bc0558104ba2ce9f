import type { ProbeResult } from '../../ports/diagnostics.js';
import { CaddyAdmin } from './admin-client.js';
import type { CaddyEdgeProxy } from './caddy-edge-proxy.js';

/**
 * For `berth doctor`: the managed edge proxy (both Caddy processes answer, the switch holds
 * Berth's routes), or a single Caddy admin endpoint given as `http://host:port` or `unix/<path>`.
 * Read-only: a stopped proxy is reported, never started.
 */
export async function probeCaddy(target: CaddyEdgeProxy | string): Promise<ProbeResult> {
  if (typeof target !== 'string') return target.probe();
  const adminUrl = target;
  if (adminUrl.startsWith('unix/')) {
    const ok = await new CaddyAdmin(adminUrl.slice('unix/'.length)).answers(2_000);
    return ok ? { ok, detail: { adminUrl } } : { ok, detail: { adminUrl }, reason: 'admin socket does not answer' };
  }
  try {
    const res = await fetch(new URL('/config/', adminUrl), { signal: AbortSignal.timeout(2000) });
    return res.ok ? { ok: true, detail: { adminUrl } } : { ok: false, detail: { adminUrl }, reason: `status ${res.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { ok: false, detail: { adminUrl }, reason: cause?.code ?? (err as Error).name };
  }
}
