import type { ContainerEngine, ContainerState } from '../../src/ports/container-engine.js';
import type { EdgeProxy, RouteSpec } from '../../src/ports/edge-proxy.js';
import type { HttpProber, ProbeAnswer } from '../../src/ports/http-prober.js';

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
