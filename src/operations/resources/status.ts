import { z } from 'zod';
import { routeId } from '../../core/access/generated-url.js';
import type { Deployment } from '../../core/deployments/deployment.js';
import type { Resource } from '../../core/model/records.js';
import type { OperationContext } from '../../ports/context.js';
import { servingDeployment } from '../../engine/deployments/serving.js';
import { CERTIFICATE_STATES, wantsCertificate, type CertificateState } from '../../core/domains/domain.js';

// Resource, deployment, runtime, proxy, access URL and certificate readiness are separate
// fields, each observed rather than assumed. Reading changes nothing.

const part = <T extends [string, ...string[]]>(states: T) => z.object({ state: z.enum(states), detail: z.record(z.string(), z.unknown()) });

export const resourceStatusOut = z.object({
  resource: part(['configured', 'source-missing']),
  deployment: part(['none', 'active', 'succeeded', 'failed', 'canceled', 'interrupted', 'rolled-back']),
  runtime: part(['not-deployed', 'running', 'degraded', 'stopped', 'unknown']),
  proxy: part(['not-configured', 'ready', 'drifted', 'missing', 'unavailable']),
  accessUrl: part(['not-deployed', 'ready', 'unreachable']),
  certificate: part(['not-applicable', ...CERTIFICATE_STATES]),
});
export type ResourceStatus = z.infer<typeof resourceStatusOut>;

export async function resourceStatus(ctx: OperationContext, resource: Resource): Promise<ResourceStatus> {
  const [[latest], serving] = await Promise.all([
    ctx.store.deployments.list({ resourceId: resource.id, preview: null, includeArchived: true, limit: 1 }),
    servingDeployment(ctx.store, { resourceId: resource.id, preview: null }),
  ]);
  const server = serving ? await ctx.store.servers.get(serving.serverId) : undefined;
  const target = server ? ctx.deploy.targets.forServer(server) : undefined;
  // The four observations ask the engine, the proxy, the URL and the edge's storage: independent, so at once.
  const [runtime, proxy, accessUrl, certificate] = await Promise.all([runtimePart(serving, target), proxyPart(resource, serving, target), accessPart(ctx, serving), certificatePart(ctx, resource, target)]);
  return {
    resource: { state: resource.source ? 'configured' : 'source-missing', detail: { sourceKind: resource.source?.kind ?? null } },
    deployment: latest
      ? { state: ['succeeded', 'failed', 'canceled', 'interrupted', 'rolled-back'].includes(latest.status) ? (latest.status as 'succeeded') : 'active', detail: { id: latest.id, status: latest.status, currentPhase: latest.currentPhase, errorCode: latest.error?.code ?? null } }
      : { state: 'none', detail: {} },
    runtime,
    proxy,
    accessUrl,
    certificate,
  };
}

// The least ready domain speaks for the resource; each domain's own readiness is in the detail.
const RANK: CertificateState[] = ['failed', 'pending', 'renewing', 'issued'];

async function certificatePart(ctx: OperationContext, resource: Resource, target: Target | undefined): Promise<ResourceStatus['certificate']> {
  const domains = (await ctx.store.domains.list({ resourceId: resource.id })).filter(wantsCertificate);
  if (!domains.length) return { state: 'not-applicable', detail: { reason: 'no domain with TLS: generated URLs are served over HTTP' } };
  const observe = target?.proxy.tls?.() ? target.proxy.certificate?.bind(target.proxy) : undefined;
  if (!observe) return { state: 'pending', detail: { reason: target ? 'this target has no HTTPS listener' : 'not deployed', domains: domains.map((d) => ({ domain: d.name, state: 'pending' })) } };
  const seen = await Promise.all(
    domains.map(async (d) => {
      // A server that cannot be read now: nothing observed, which is not a readiness of its own.
      const o = await observe(d.name).catch((err: unknown) => ({ state: 'pending' as const, unobserved: (err as { code?: string }).code ?? 'proxy-error' }));
      if ('unobserved' in o) return { domain: d.name, state: o.state, certificateId: null, notAfter: null, issuer: null, reason: o.unobserved, error: null };
      return { domain: d.name, state: o.state, certificateId: o.certificateId ?? null, notAfter: o.notAfter ?? null, issuer: o.issuer ?? null, ...(o.reason ? { reason: o.reason, error: o.error ?? null } : {}) };
    }),
  );
  const state = RANK.find((r) => seen.some((d) => d.state === r)) ?? 'pending';
  const first = seen.find((d) => d.state === state)!;
  return { state, detail: { domains: seen, notAfter: first.notAfter, ...(first.reason ? { reason: first.reason } : {}) } };
}

type Target = ReturnType<OperationContext['deploy']['targets']['forServer']>;

async function runtimePart(serving: Deployment | undefined, target: Target | undefined): Promise<ResourceStatus['runtime']> {
  if (!serving || !target) return { state: 'not-deployed', detail: {} };
  try {
    const states = await Promise.all(serving.runtime!.containers.map(async (c) => ({ service: c.service, state: (await target.engine.inspect(c.id))?.status ?? 'missing' })));
    const running = states.filter((s) => s.state === 'running').length;
    const state = running === states.length ? 'running' : running === 0 ? 'stopped' : 'degraded';
    return { state, detail: { deploymentId: serving.id, containers: states } };
  } catch (err) {
    return { state: 'unknown', detail: { reason: (err as { code?: string }).code ?? 'engine-error' } };
  }
}

async function proxyPart(resource: Resource, serving: Deployment | undefined, target: Target | undefined): Promise<ResourceStatus['proxy']> {
  if (!serving || !target) return { state: 'not-configured', detail: {} };
  const id = routeId(resource.id, null);
  try {
    const route = await target.proxy.getRoute(id);
    if (!route) return { state: 'missing', detail: { routeId: id } };
    const expected = serving.runtime?.routedUpstream;
    return { state: route.upstream === expected ? 'ready' : 'drifted', detail: { routeId: id, upstream: route.upstream, expectedUpstream: expected ?? null, hosts: route.hosts } };
  } catch (err) {
    return { state: 'unavailable', detail: { routeId: id, reason: (err as { code?: string }).code ?? 'proxy-error' } };
  }
}

async function accessPart(ctx: OperationContext, serving: Deployment | undefined): Promise<ResourceStatus['accessUrl']> {
  if (!serving?.accessUrl) return { state: 'not-deployed', detail: {} };
  const url = new URL(serving.accessUrl);
  const port = Number(url.port || 80);
  const answer = await ctx.deploy.prober.get(`http://127.0.0.1:${port}${serving.snapshot.health.path}`, { timeoutMs: 2_000, host: url.host });
  const ok = answer.kind === 'response' && answer.status >= 200 && answer.status < 400;
  return { state: ok ? 'ready' : 'unreachable', detail: { url: serving.accessUrl, ...(answer.kind === 'response' ? { status: answer.status } : { reason: answer.code }) } };
}
