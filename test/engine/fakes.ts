import type { Deployment } from '../../src/core/deployments/deployment.js';
import type { Plan } from '../../src/core/plan/plan.js';
import type { DeploymentRunner, RunnerDeps } from '../../src/engine/deployments/runner.js';
import { upsertResource } from '../../src/operations/deployments/resolve-target.js';
import { createAttempt } from '../../src/operations/deployments/start-attempt.js';
import type { ContainerEngine, ContainerState } from '../../src/ports/container-engine.js';
import type { EdgeProxy, RouteSpec } from '../../src/ports/edge-proxy.js';
import type { HttpProber, ProbeAnswer } from '../../src/ports/http-prober.js';
import type { Store } from '../../src/ports/store.js';

// In-memory stand-ins for the engine, proxy and prober, for unit tests of the runner's and
// verifier's decisions. The real parts are exercised by test/deploy/*.

/** Container numbers are unique across fakes, so two fake engines never hand out one address. */
let n = 0;

export function fakeEngine(state: Partial<ContainerState> = {}, over: Partial<ContainerEngine> = {}): ContainerEngine & { removed: string[] } {
  const removed: string[] = [];
  /** The address each container got from run, which inspect reports back. */
  const ips = new Map<string, string>();
  const engine = {
    removed,
    ping: async () => undefined,
    ensureNetwork: async () => undefined,
    removeNetwork: async () => undefined,
    build: async (req: { tag: string }) => ({ imageId: `sha256:${req.tag}`, tag: req.tag }),
    pull: async () => ({ imageId: 'sha256:pulled' }),
    imageId: async () => 'sha256:present',
    tagImage: async () => undefined,
    run: async (req: { name: string }) => {
      const id = `c${++n}`;
      ips.set(id, `10.0.${Math.floor(n / 250)}.${n % 250}`);
      return { id, name: req.name, ip: ips.get(id)! };
    },
    inspect: async (id: string) => ({ id, status: 'running', exitCode: null, restartCount: 0, health: null, labels: {}, ip: ips.get(id) ?? '10.0.0.1', ...state }) as ContainerState,
    logsTail: async () => 'log tail',
    followLogs: async () => {
      throw new Error('not used');
    },
    setRestartPolicy: async () => undefined,
    stop: async () => undefined,
    remove: async (id: string) => {
      removed.push(id);
    },
    listContainers: async () => [],
    listeningPorts: async () => undefined,
    diskUsage: async () => ({ path: '/', freeBytes: 10 ** 12, totalBytes: 10 ** 12, freeInodes: null }),
    removeImage: async () => undefined,
    ...over,
  };
  return engine as unknown as ContainerEngine & { removed: string[] };
}

export function fakeProxy(opts: { failUpstream?: string } = {}): EdgeProxy & { routes: Map<string, RouteSpec> } {
  const routes = new Map<string, RouteSpec>();
  return {
    routes,
    ensureRunning: async () => ({ httpPort: 8080 }),
    applyRoute: async (r) => {
      if (opts.failUpstream && r.upstream === opts.failUpstream) throw Object.assign(new Error('refused'), { code: 'proxy_route_failed' });
      routes.set(r.id, r);
    },
    removeRoute: async (id) => {
      routes.delete(id);
    },
    getRoute: async (id) => routes.get(id),
    listRoutes: async () => [...routes.values()],
    httpPort: () => 8080,
    stop: async () => ({}),
  };
}

/** Answers by URL: a function of the URL and Host header decides the status. */
export function fakeProber(answer: (url: string, host?: string) => ProbeAnswer): HttpProber {
  return { get: async (url, opts) => answer(url, opts.host) };
}

/** The plan every runner test deploys: one image service on port 80, quick health checks. */
export const IMAGE_PLAN: Plan = {
  planner: 'image', supportTier: 'supported', artifactKind: 'image', evidence: [], commands: {}, warnings: [], networks: [],
  services: [{ name: 'web', build: { kind: 'image', image: 'x:1' }, internalPort: 80 }], routedService: 'web', internalPort: 80,
  health: { path: '/', timeoutSeconds: 1, intervalMs: 10 },
};

/** A source reader that "materializes" an image source without touching anything. */
export const imageSources: RunnerDeps['sources'] = {
  materialize: async (s) => ({ summary: { kind: s.kind, location: s.location, image: s.location }, dispose: async () => undefined }),
};

const actor = { kind: 'system' as const, id: 'test' };

/** A created deploy attempt of resource `name` (an image source), optionally aimed at a server. */
export async function imageAttempt(store: Store, name: string, target?: { serverId: string; serverName: string }): Promise<Deployment> {
  return store.transaction(async (tx) => {
    const resource = await upsertResource(tx, actor, new Date(), { name, source: { kind: 'image', location: 'x:1' }, network: { internalPort: 80 }, health: { path: '/', timeoutSeconds: 1, intervalMs: 10 } });
    return createAttempt(tx, actor, new Date(), {
      resource,
      trigger: 'deploy',
      snapshot: { source: resource.source!, runtime: resource.runtime, network: resource.network, health: resource.health, access: resource.access, ...(target ? { target } : {}) },
    });
  });
}

/** Runs a fresh attempt of `name` to its end and returns the stored deployment. */
export async function runImageAttempt(store: Store, runner: DeploymentRunner, name: string): Promise<Deployment> {
  const d = await imageAttempt(store, name);
  runner.start(d.id);
  await runner.idle();
  return (await store.deployments.get(d.id))!;
}
