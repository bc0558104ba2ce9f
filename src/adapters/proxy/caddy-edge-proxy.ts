import { sleep } from '../../core/time/delay.js';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import type { ProbeResult } from '../../ports/diagnostics.js';
import type { CertificateObservation } from '../../core/domains/domain.js';
import type { EdgeProxy, EdgeTls, ObservedRoute, RouteSpec } from '../../ports/edge-proxy.js';
import { certificateReadiness, newestCertificate, parseTlsLog } from './certificate-readiness.js';
import { edgeConfig, invalidRoute, switchConfig } from './caddy-config.js';
import { CaddyProcess } from './caddy-process.js';
import { classifyListeners, describeAddress, describeListeners, listenAddress, listenersOn, portBindable, type ClassifiedListener, type ListenAddress, type PortListener } from './port-listeners.js';
import { withProxyLock } from './proxy-lock.js';
import { RouteFile } from './route-file.js';
import { CHANGE_TIMEOUT_MS, reconcileConfig, routeFailed, SwitchRoutes, type DesiredRoutes } from './switch-routes.js';

// The edge proxy of one target as two Caddy processes (see caddy-config.ts for why two): the
// EDGE's config is written once; deploys change only the SWITCH, through its admin API.

export interface CaddyEdgeProxyOptions {
  /** Berth's state directory; the proxy keeps its sockets, pids, configs and logs in <home>/proxy. */
  home: string;
  /** Public port clients reach. Default 80. */
  httpPort?: number;
  /**
   * @deprecated Ignored: the switch listens on <home>/proxy/switch.sock (see caddy-config.ts),
   * so there is no internal port to choose. Kept until the settings stop passing it.
   */
  switchPort?: number;
  /** Caddy binary. Default `caddy` on PATH. */
  caddyBin?: string;
  /** How long a starting Caddy may take to answer its admin API. Default 10 s. */
  startTimeoutMs?: number;
  /**
   * Caddy's grace_period on the switch: how long a replaced config waits for its in-flight
   * requests before it is cleaned up. Default 30 s. (Caddy 2.6.2 answers the change at once and
   * lets plain requests run on past it; upgraded connections are closed at cleanup regardless.)
   */
  drainMs?: number;
  /** How long the edge retries dialling a restarting switch before answering 502. Default 5 s. */
  switchRetryMs?: number;
  /** The edge's HTTPS listener and ACME issuer; absent: HTTP only. */
  tls?: EdgeTls;
}

export class CaddyEdgeProxy implements EdgeProxy {
  readonly dir: string;
  private readonly port: number;
  /** The switch's listener (edge -> switch). */
  readonly switchSocket: string;
  private readonly startTimeoutMs: number;
  private readonly drainMs: number;
  private readonly switchRetryMs: number;
  private readonly edgeTls: EdgeTls | undefined;
  /** Caddy's TLS log (obtain, renew, errors), which certificate readiness reads. */
  readonly tlsLog: string;
  private readonly edge: CaddyProcess;
  private readonly switch: CaddyProcess;
  private readonly routes: RouteFile;
  private readonly lockFile: string;
  private readonly switchRoutes: SwitchRoutes;
  private readonly desiredRoutes: DesiredRoutes;
  /** Adopted processes are checked once against the desired config (an upgrade, a crash mid-change). */
  private reconciled = false;

  constructor(opts: CaddyEdgeProxyOptions) {
    this.dir = join(opts.home, 'proxy');
    this.port = opts.httpPort ?? 80;
    this.switchSocket = join(this.dir, 'switch.sock');
    this.startTimeoutMs = opts.startTimeoutMs ?? 10_000;
    this.drainMs = opts.drainMs ?? 30_000;
    this.switchRetryMs = opts.switchRetryMs ?? 5_000;
    this.edgeTls = opts.tls;
    this.tlsLog = join(this.dir, 'edge-tls.log');
    const proc = { dir: this.dir, caddyBin: opts.caddyBin ?? 'caddy', startTimeoutMs: this.startTimeoutMs };
    this.edge = new CaddyProcess({ ...proc, name: 'edge' });
    this.switch = new CaddyProcess({ ...proc, name: 'switch' });
    this.routes = new RouteFile(join(this.dir, 'routes.json'));
    this.lockFile = join(this.dir, 'proxy.lock');
    this.switchRoutes = new SwitchRoutes(this.switch.admin, (reason) => this.switch.unavailable(reason));
    const routes = this.routes;
    this.desiredRoutes = { upsert: async (r) => routes.upsert(r), remove: async (id) => routes.remove(id) };
  }

  httpPort(): number {
    return this.port;
  }

  tls(): EdgeTls | undefined {
    return this.edgeTls;
  }

  /** Readiness of the domain's certificate from the edge's storage and TLS log (reads only). */
  async certificate(domain: string): Promise<CertificateObservation> {
    const root = join(this.dir, 'edge', 'data', 'caddy', 'certificates');
    const pems: string[] = [];
    for (const issuer of safeList(root)) {
      try {
        pems.push(readFileSync(join(root, issuer, domain, `${domain}.crt`), 'utf8'));
      } catch {
        // not from this issuer
      }
    }
    let log = '';
    try {
      log = readFileSync(this.tlsLog, 'utf8');
    } catch {
      // nothing obtained yet
    }
    return certificateReadiness(domain, newestCertificate(pems), parseTlsLog(log), new Date());
  }

  async ensureRunning(): Promise<{ httpPort: number }> {
    await this.locked(() => this.ensureRunningLocked());
    return { httpPort: this.port };
  }

  async applyRoute(route: RouteSpec): Promise<void> {
    const invalid = invalidRoute(route);
    if (invalid) throw routeFailed(route.id, invalid);
    await this.locked(async () => {
      await this.ensureRunningLocked();
      await this.switchRoutes.apply(route, this.desiredRoutes);
    });
  }

  async removeRoute(id: string): Promise<void> {
    await this.locked(async () => {
      await this.ensureRunningLocked();
      await this.switchRoutes.remove(id, this.desiredRoutes);
    });
  }

  async getRoute(id: string): Promise<ObservedRoute | undefined> {
    return (await this.liveRoutes()).find((r) => r.id === id);
  }

  /** What the switch serves now, read from its admin API (reads never start anything). */
  async listRoutes(): Promise<ObservedRoute[]> {
    return this.liveRoutes();
  }

  /** Stops both Caddy processes; routes stay in the routes file. Returns the pids that ran. */
  async stop(): Promise<{ edge?: number; switch?: number }> {
    return this.locked(async () => {
      const running = this.pids();
      // The edge first: clients are refused at once instead of waiting on a missing switch.
      await this.edge.stop();
      await this.switch.stop();
      this.reconciled = false;
      return running;
    });
  }

  /** Live pids of the managed processes, when running. */
  pids(): { edge?: number; switch?: number } {
    return { edge: this.edge.pid(), switch: this.switch.pid() };
  }

  /** For `berth doctor`: both admin APIs answer and the switch holds Berth's routes. Never starts anything. */
  async probe(): Promise<ProbeResult> {
    const detail = { httpPort: this.port, edge: this.edge.admin.adminUrl, switch: this.switch.admin.adminUrl };
    for (const p of [this.edge, this.switch]) {
      if (!(await p.admin.answers(2_000))) return { ok: false, detail, reason: `${p.admin.adminUrl} does not answer` };
    }
    try {
      return { ok: true, detail: { ...detail, routes: (await this.liveRoutes()).length } };
    } catch (err) {
      return { ok: false, detail, reason: String((err as BerthError).details?.reason ?? (err as Error).name) };
    }
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // Never steal the lock from a holder that may still be starting both processes.
    return withProxyLock(this.lockFile, 2 * this.startTimeoutMs + 2 * CHANGE_TIMEOUT_MS, fn);
  }

  // The switch first: the edge's first requests then find it up. The public ports (HTTP, and
  // HTTPS when TLS is on) are checked before anything starts and again once the edge listens
  // (see port-listeners.ts).
  private async ensureRunningLocked(): Promise<void> {
    await this.assertPortFree();
    let desiredRoutes: RouteSpec[];
    try {
      desiredRoutes = this.routes.read();
    } catch {
      throw this.switch.unavailable('routes file unreadable');
    }
    const desired: [CaddyProcess, Record<string, unknown>][] = [
      [this.switch, switchConfig({ adminSocket: this.switch.admin.socketPath, switchSocket: this.switchSocket, drainMs: this.drainMs, routes: desiredRoutes })],
      [this.edge, edgeConfig({ adminSocket: this.edge.admin.socketPath, httpPort: this.port, switchSocket: this.switchSocket, switchRetryMs: this.switchRetryMs, ...(this.edgeTls ? { tls: this.edgeTls, tlsLog: this.tlsLog } : {}) })],
    ];
    for (const [proc, config] of desired) {
      const outcome = await proc.ensure(() => config);
      if (proc === this.edge) await this.assertPortOwned(outcome);
      if (outcome === 'adopted' && !this.reconciled) await this.reconcile(proc, config);
    }
    this.reconciled = true;
  }

  /** Every address the edge binds: its HTTP port on every address, and its HTTPS listener when TLS is on. */
  private listens(): ListenAddress[] {
    return [{ port: this.port }, ...(this.edgeTls ? [listenAddress(this.edgeTls.listen, this.edgeTls.port)] : [])];
  }

  /** Listeners on `at` other than this home's edge; undefined without /proc. */
  private otherListeners(at: ListenAddress): PortListener[] | undefined {
    const own = this.edge.pid();
    return listenersOn(at, own === undefined ? [] : [own])?.filter((l) => l.pid === undefined || l.pid !== own);
  }

  private async assertPortFree(): Promise<void> {
    for (const at of this.listens()) {
      const others = this.otherListeners(at);
      if (others === undefined) {
        if (this.edge.pid() === undefined && !(await portBindable(at))) throw this.portTaken(at, []);
      } else if (others.length > 0) {
        throw this.portTaken(at, others);
      }
    }
  }

  /** After the bind: a listener that slipped in beside a fresh edge means neither owns the port. */
  private async assertPortOwned(outcome: 'adopted' | 'started'): Promise<void> {
    // Caddy's admin API answers a moment before its listeners are bound: look once they are.
    if (outcome === 'started') await this.untilEdgeListens();
    for (const at of this.listens()) {
      const others = this.otherListeners(at);
      if (!others?.length) continue;
      if (outcome === 'started') await this.edge.stop(); // never left splitting the port's connections
      throw this.portTaken(at, others);
    }
  }

  private async untilEdgeListens(): Promise<void> {
    const own = this.edge.pid();
    const deadline = Date.now() + this.startTimeoutMs;
    const bound = (at: ListenAddress) => {
      const listeners = listenersOn(at, [own!]);
      return listeners === undefined || listeners.some((l) => l.pid === own);
    };
    while (own !== undefined && Date.now() < deadline) {
      if (this.listens().every(bound)) return;
      await sleep(10);
    }
  }

  private portTaken(at: ListenAddress, others: PortListener[]): BerthError {
    const seen = others.find((l) => l.pid !== undefined);
    return new BerthError('proxy_unavailable', `Another process listens on ${describeAddress(at)}, where the edge proxy listens.`, {
      adminUrl: this.edge.admin.adminUrl,
      reason: `${describeAddress(at)} is also bound by ${others.length ? describeListeners(others) : 'another process'}`,
      port: at.port,
      holderPid: seen?.pid ?? null,
      holderCommand: seen?.command ?? null,
    });
  }

  /** Every listener on `at` (the HTTP port unless given), this edge's or not. Never starts anything. */
  portListeners(at: ListenAddress = { port: this.port }): ClassifiedListener[] | undefined {
    const own = this.edge.pid();
    const listeners = listenersOn(at, own === undefined ? [] : [own]);
    return listeners && classifyListeners(listeners, own, existsSync);
  }

  /** For `berth doctor`: fails when anything but this home's edge listens where the edge does (HTTP and HTTPS). */
  probePort(): ProbeResult {
    const detail = { httpPort: this.port, ...(this.edgeTls ? { httpsListen: this.edgeTls.listen } : {}) };
    const found = this.listens().map((at) => ({ at, listeners: this.portListeners(at) }));
    if (found.some((f) => f.listeners === undefined)) return { ok: true, detail: { ...detail, listeners: null, reason: 'no /proc socket tables: listeners not checked' } };
    // Each listener names its port: with TLS on, the edge listens on two.
    const listeners = found.flatMap(({ at, listeners }) => listeners!.map((l) => ({ ...l, port: at.port })));
    const taken = found.flatMap(({ at, listeners }) => {
      const others = listeners!.filter((l) => l.kind !== 'this-edge');
      const named = others.map((l) => `${l.kind} ${l.pid ? `pid ${l.pid} (${l.command ?? 'unknown'})` : 'hidden process'}${l.home ? ` of ${l.home}` : ''}`);
      return others.length ? [`${describeAddress(at)} is also bound by ${named.join(', ')}`] : [];
    });
    if (taken.length === 0) return { ok: true, detail: { ...detail, listeners } };
    return { ok: false, detail: { ...detail, listeners }, reason: taken.join('; ') };
  }

  private async reconcile(proc: CaddyProcess, desired: Record<string, unknown>): Promise<void> {
    await reconcileConfig(proc.admin, desired, (reason) => proc.unavailable(reason));
  }

  private liveRoutes(): Promise<ObservedRoute[]> {
    return this.switchRoutes.live();
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
