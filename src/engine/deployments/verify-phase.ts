import { BerthError } from '../../core/errors/berth-error.js';
import type { Attempt, RunnerDeps } from './attempt.js';
import type { AttemptContext } from './attempt-context.js';
import { allOrAbort, CancelRequested, withDeadline } from './deadline.js';
import type { AttemptJournal } from './journal.js';
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
    // The running streak and the health policy are observed side by side; both must pass.
    await allOrAbort(s, [
      (both) => verifyRunning(ctx.target.engine, runtime, settings, both, { plan, journal: a.journal }),
      (both) => verifyHealth({ engine: ctx.target.engine, prober: ctx.target.prober, containerId: verified.id, service: verified.service, port: plan.internalPort, health: plan.health, journal: a.journal, signal: both }),
    ]);
    // A container restarted within its budget may have a new address: route to the current one.
    await refreshAddresses(ctx.target.engine, runtime);
    const routed = routedContainer(plan, runtime);
    runtime.routedUpstream = routed.upstream;
    await store.deployments.update(a.id, { runtime });
    await applyRoute(deps, ctx, routed.upstream, a.journal);
    a.switched = true;
    await verifyAccess({ prober: deps.prober, edgeHost: ctx.target.edgeHost, host: ctx.host, httpPort: ctx.httpPort, url: ctx.url, health: plan.health, signal: s });
  });
}

/** Points the route at the new upstream and observes that the proxy serves it. */
async function applyRoute(deps: RunnerDeps, ctx: AttemptContext, upstream: string, journal: AttemptJournal): Promise<void> {
  await withDeadline('route', deps.settings.deadlines.route, new AbortController().signal, () => ctx.target.proxy.applyRoute({ id: ctx.route, hosts: [ctx.host], upstream }));
  const observed = await ctx.target.proxy.getRoute(ctx.route);
  if (!observed || observed.upstream !== upstream) {
    throw new BerthError('proxy_route_failed', 'The proxy does not serve the route that was applied.', { routeId: ctx.route, reason: observed ? 'upstream-mismatch' : 'route-missing' });
  }
  await journal.event('step', 'verify', { step: 'route', routeId: ctx.route, upstream });
}
