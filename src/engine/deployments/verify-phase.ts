import { BerthError } from '../../core/errors/berth-error.js';
import type { Attempt, RunnerDeps } from './attempt.js';
import { allOrAbort, CancelRequested, withDeadline } from './deadline.js';
import { HealthEvidence } from './health-evidence.js';
import type { AttemptJournal } from './journal.js';
import { resourceRoute } from '../domains/domain-route.js';
import { verifyDomains } from './verify-domains.js';
import { refreshAddresses, routedContainer, verifyAccess, verifyHealth, verifyRunning } from './verify.js';

/**
 * running -> verifying: every service keeps running and the routed one answers its health
 * policy, straight to the container; then the route switches and the access URL must answer
 * through the proxy, as a user reaches it.
 */
export async function verifyPhase(deps: RunnerDeps, a: Attempt): Promise<void> {
  const { store, settings } = deps;
  const ctx = a.ctx!;
  const plan = a.plan!;
  const runtime = a.runtime!;
  a.d = { ...a.d, currentPhase: 'verify' };
  if (!(await a.journal.transition(['running'], { status: 'verifying', currentPhase: 'verify' }))) throw new CancelRequested();
  await withDeadline('verify', settings.deadlines.verify, a.signal, async (s) => {
    const verified = routedContainer(plan, runtime);
    // The running check and the health policy are observed side by side; both must pass. The
    // health path's answer is the routed service's first successful healthcheck.
    const evidence = new HealthEvidence();
    await allOrAbort(s, [
      (both) => verifyRunning(ctx.target.engine, runtime, settings, both, { plan, journal: a.journal, evidence }),
      (both) => verifyHealth({ engine: ctx.target.engine, prober: ctx.target.prober, containerId: verified.id, service: verified.service, port: plan.internalPort, health: plan.health, journal: a.journal, signal: both, evidence }),
    ]);
    // A container restarted within its budget may have a new address: route to the current one.
    await refreshAddresses(ctx.target.engine, runtime);
    const routed = routedContainer(plan, runtime);
    runtime.routedUpstream = routed.upstream;
    await store.deployments.update(a.id, { runtime });
    await applyRoute(deps, a, routed.upstream);
    // From here the proxy may serve this version: the failure path gives the route back.
    a.switched = true;
    // What the proxy serves and what the access URL answers through it, looked at side by side.
    await allOrAbort(s, [
      () => observeRoute(a, routed.upstream, a.journal),
      (both) => verifyAccess({ prober: deps.prober, edgeHost: ctx.target.edgeHost, host: ctx.host, httpPort: ctx.httpPort, url: ctx.url, health: plan.health, signal: both }),
    ]);
    await verifyDomains(deps, a, { id: ctx.route, host: ctx.host, upstream: routed.upstream }, s);
  });
}

/** Points the route at the new upstream. */
async function applyRoute(deps: RunnerDeps, a: Attempt, upstream: string): Promise<void> {
  const ctx = a.ctx!;
  const route = await resourceRoute(deps.store, { id: ctx.route, host: ctx.host, upstream, resourceId: a.d.resourceId, preview: a.d.preview }, ctx.target.proxy);
  await withDeadline('route', deps.settings.deadlines.route, new AbortController().signal, () => ctx.target.proxy.applyRoute(route));
}

/** The proxy serves the route that was applied, read back from it. */
async function observeRoute(a: Attempt, upstream: string, journal: AttemptJournal): Promise<void> {
  const ctx = a.ctx!;
  const observed = await ctx.target.proxy.getRoute(ctx.route);
  if (!observed || observed.upstream !== upstream) {
    throw new BerthError('proxy_route_failed', 'The proxy does not serve the route that was applied.', { routeId: ctx.route, reason: observed ? 'upstream-mismatch' : 'route-missing' });
  }
  await journal.event('step', 'verify', { step: 'route', routeId: ctx.route, upstream });
}
