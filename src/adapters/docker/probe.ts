import type Docker from 'dockerode';
import type { ProbeResult } from '../../ports/diagnostics.js';

export async function probeDocker(docker: Docker): Promise<ProbeResult> {
  try {
    const v = (await docker.version()) as { Version?: string; ApiVersion?: string };
    return { ok: true, detail: { version: v.Version, apiVersion: v.ApiVersion } };
  } catch (err) {
    const e = err as { code?: string; statusCode?: number };
    return { ok: false, detail: {}, reason: e.code ?? (e.statusCode ? `status ${e.statusCode}` : 'unreachable') };
  }
}
