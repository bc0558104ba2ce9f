import { z } from 'zod';
import { routeId } from '../../core/access/generated-url.js';
import type { Deployment } from '../../core/deployments/deployment.js';
import { toBerthError } from '../../core/errors/berth-error.js';
import type { Resource } from '../../core/model/records.js';
import { nextActions } from '../../core/recovery/readiness.js';
import type { TargetRuntime } from '../../ports/deploy-runtime.js';

// Sections of a diagnose bundle that read the target or summarise recovery. Each section
// reports its own failure (a code, never a thrown error), so one unreachable part never hides
// the others.

const record = z.record(z.string(), z.unknown());

export const engineSection = z.object({ reachable: z.boolean(), info: record.nullable(), error: record.nullable() });
export const proxySection = z.object({
  routeId: z.string(),
  state: z.enum(['observed', 'missing', 'unavailable', 'not-deployed']),
  observed: z.object({ hosts: z.array(z.string()), upstream: z.string() }).nullable(),
  expectedUpstream: z.string().nullable(),
  error: record.nullable(),
});
export const recoverySection = z.object({
  source: z.enum(['readiness', 'latest-attempt', 'none']),
  readiness: record.nullable(),
  status: z.string().nullable(),
  errorCode: z.string().nullable(),
  recoveryHint: z.string().nullable(),
  nextActions: z.array(z.object({ kind: z.string(), command: z.string() })),
});

const safeError = (err: unknown, id: string) => ({ ...toBerthError(err, id).toObject() });

export async function engineOf(target: TargetRuntime | undefined, id: string): Promise<z.infer<typeof engineSection>> {
  if (!target) return { reachable: false, info: null, error: null };
  try {
    return { reachable: true, info: { ...(await target.engine.info()) }, error: null };
  } catch (err) {
    return { reachable: false, info: null, error: safeError(err, id) };
  }
}

/** The route the proxy serves for the resource, read back from the proxy itself. */
export async function proxyOf(target: TargetRuntime | undefined, resource: Resource, serving: Deployment | undefined): Promise<z.infer<typeof proxySection>> {
  const id = routeId(resource.id, null);
  const expectedUpstream = serving?.runtime?.routedUpstream ?? null;
  if (!target) return { routeId: id, state: 'not-deployed', observed: null, expectedUpstream, error: null };
  try {
    const route = await target.proxy.getRoute(id);
    return { routeId: id, state: route ? 'observed' : 'missing', observed: route ? { hosts: route.hosts, upstream: route.upstream } : null, expectedUpstream, error: null };
  } catch (err) {
    return { routeId: id, state: 'unavailable', observed: null, expectedUpstream, error: safeError(err, resource.id) };
  }
}

/**
 * Readiness when the recovery capability provides it for this attempt; otherwise what the
 * attempt itself says (its error code and recovery hint) and the safe read-only next steps.
 */
export async function recoveryOf(
  latest: Deployment | undefined,
  readiness?: (deploymentId: string) => Promise<Record<string, unknown>>,
): Promise<z.infer<typeof recoverySection>> {
  if (!latest) return { source: 'none', readiness: null, status: null, errorCode: null, recoveryHint: null, nextActions: [] };
  const steps = nextActions(latest).map(({ kind, command }) => ({ kind, command }));
  const base = { status: latest.status, errorCode: latest.error?.code ?? null, recoveryHint: latest.recoveryHint, nextActions: steps };
  if (readiness) {
    try {
      return { source: 'readiness', readiness: await readiness(latest.id), ...base };
    } catch {
      // Fall through: the attempt's own error and hint still say where to start.
    }
  }
  return { source: 'latest-attempt', readiness: null, ...base };
}
