import { z } from 'zod';
import { errorObject } from '../../core/errors/berth-error.js';
import type { ErrorCode } from '../../core/errors/catalogue.js';
import type { ControlPlaneSettings } from '../../ports/context.js';
import type { Diagnostics, ProbeResult } from '../../ports/diagnostics.js';
import { defineOperation } from '../operation.js';

const check = z.object({
  name: z.string(),
  /** `warn`: works, but should not stay this way (its error says why); only `failing` makes ok false. */
  status: z.enum(['ok', 'warn', 'failing']),
  detail: z.record(z.string(), z.unknown()),
  error: z.record(z.string(), z.unknown()).optional(),
});

function toCheck(name: string, probe: ProbeResult, code: ErrorCode): z.infer<typeof check> {
  if (probe.ok) return { name, status: 'ok', detail: probe.detail };
  const error = errorObject(code, `${name} check failed.`, { ...probe.detail, reason: probe.reason ?? 'unknown' });
  return { name, status: 'failing', detail: probe.detail, error: { ...error } };
}

/** The public URL's certificate at the edge, as read now (the edge serves the API there). */
async function publicCertificate(diagnostics: Diagnostics): Promise<Record<string, unknown> | undefined> {
  if (!diagnostics.publicCertificate) return undefined;
  try {
    const seen = await diagnostics.publicCertificate();
    return { state: seen.state, notAfter: seen.notAfter ?? null, certificateId: seen.certificateId ?? null, ...(seen.reason ? { reason: seen.reason } : {}) };
  } catch (err) {
    return { state: 'unknown', reason: (err as { code?: string })?.code ?? 'probe-failed' };
  }
}

/**
 * The control plane answers (this runs in it); it warns when it serves bearer tokens in clear
 * beyond loopback. With its public URL served by the edge, the detail has that certificate's readiness.
 */
async function controlPlaneCheck(settings: ControlPlaneSettings, diagnostics: Diagnostics): Promise<z.infer<typeof check>> {
  const { listen, transport, publicUrl, version } = settings;
  const certificate = await publicCertificate(diagnostics);
  const detail = { pid: process.pid, listen, transport, ...(publicUrl ? { publicUrl } : {}), ...(certificate ? { publicUrlServedBy: 'edge', publicUrlCertificate: certificate } : {}), version };
  if (transport !== 'insecure-http') return { name: 'control-plane', status: 'ok', detail };
  const port = Number(listen.slice(listen.lastIndexOf(':') + 1));
  const error = errorObject('listen_insecure', 'The control plane serves its API beyond loopback over plain HTTP (--insecure-http).', { field: 'listen', host: listen.slice(0, listen.lastIndexOf(':')), port });
  return { name: 'control-plane', status: 'warn', detail, error: { ...error } };
}

async function guarded(probe: () => Promise<ProbeResult>): Promise<ProbeResult> {
  try {
    return await probe();
  } catch (err) {
    return { ok: false, detail: {}, reason: (err as { code?: string })?.code ?? 'probe-failed' };
  }
}

export const doctor = defineOperation({
  name: 'system.doctor',
  kind: 'query',
  summary: 'Check the state store, the Docker engine, the edge proxy (and who else listens on its port) and the control plane.',
  input: z.strictObject({}),
  output: z.object({ ok: z.boolean(), checks: z.array(check) }),
  errors: [],
  destructive: false,
  http: { method: 'GET', path: '/api/doctor' },
  cli: { words: ['doctor'] },
  handler: async (_input, ctx) => {
    const store = await guarded(async () => {
      await ctx.store.ping();
      return { ok: true, detail: { backend: ctx.store.backend } };
    });
    const checks = [
      await controlPlaneCheck(ctx.settings, ctx.diagnostics),
      toCheck('state-store', { ...store, detail: { backend: ctx.store.backend } }, 'state_store_unavailable'),
      toCheck('docker', await guarded(() => ctx.diagnostics.docker()), 'docker_error'),
      toCheck('proxy', await guarded(() => ctx.diagnostics.proxy()), 'proxy_unavailable'),
      // Another listener on the edge port gets part of its connections (SO_REUSEPORT): a foreign
      // process, or the orphaned edge of a deleted Berth home that nothing would ever stop.
      toCheck('edge-port', await guarded(() => ctx.diagnostics.edgePort()), 'proxy_unavailable'),
    ];
    return { ok: checks.every((c) => c.status !== 'failing'), checks };
  },
});
