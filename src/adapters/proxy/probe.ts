import type { ProbeResult } from '../../ports/diagnostics.js';

export async function probeCaddy(adminUrl: string): Promise<ProbeResult> {
  try {
    const res = await fetch(new URL('/config/', adminUrl), { signal: AbortSignal.timeout(2000) });
    return res.ok ? { ok: true, detail: { adminUrl } } : { ok: false, detail: { adminUrl }, reason: `status ${res.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { ok: false, detail: { adminUrl }, reason: cause?.code ?? (err as Error).name };
  }
}
