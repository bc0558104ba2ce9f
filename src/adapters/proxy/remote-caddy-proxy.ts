import { createHash } from 'node:crypto';
import { BerthError } from '../../core/errors/berth-error.js';
import { sleep } from '../../core/time/delay.js';
import type { CertificateObservation } from '../../core/domains/domain.js';
import type { ProbeResult } from '../../ports/diagnostics.js';
import type { EdgeProxy, EdgeTls, ObservedRoute, RouteSpec } from '../../ports/edge-proxy.js';
import type { SshSession } from '../../ports/ssh.js';
import type { DockerEngine } from '../docker/docker-engine.js';
import { ForwardedSocketAgent } from '../docker/ssh-agent.js';
import { CaddyAdmin } from './admin-client.js';
import { edgeConfig, invalidRoute, switchConfig } from './caddy-config.js';
import { certificateReadiness, newestCertificate, parseTlsLog } from './certificate-readiness.js';
import { describeAddress, listenAddress, type ListenAddress } from './port-listeners.js';
import { ProxyContainer } from './proxy-container.js';
import { readCertificateFiles } from './remote-certificate-files.js';
import { RemoteProxyFiles } from './remote-proxy-files.js';
import { reconcileConfig, routeFailed, SwitchRoutes, type DesiredRoutes } from './switch-routes.js';

// The edge proxy of an SSH server: the same two Caddy instances as CaddyEdgeProxy (see
// caddy-config.ts for why two), as containers on the server's engine (proxy-container.ts). The
// desired state lives on the server (remote-proxy-files.ts), so two control planes deploying to
// one server share it and a restarted server serves the same routes with no control plane.
// Only the switch ever reloads. Mutations are not locked here: callers hold the server's
// state-root lock around them; this class only serializes its own calls. With TLS, the edge has
// the same HTTPS listener and ACME issuer as the local one; its certificates and TLS log stay on
// the server, in <stateRoot>/proxy (edge/data/caddy and edge-tls.log).

/**
 * A server edge's HTTPS settings: the listen address is one on the server, and a private CA's
 * root comes as PEM, written into the proxy directory there (the edge container mounts it).
 */
export type RemoteEdgeTls = Omit<EdgeTls, 'caRoot'> & { caRootPem?: string };

export interface RemoteCaddyProxyOptions {
  /** The server's engine, reached through SSH. */
  engine: DockerEngine;
  /** The server's session: the admin sockets are reached through it, the files over its SFTP. */
  session: Pick<SshSession, 'openUnixSocket' | 'sftp'>;
  /** Server-owned directory (prepared by the caller); the proxy keeps its files in <stateRoot>/proxy. */
  stateRoot: string;
  /** Public port on the server. */
  httpPort: number;
  /** Ensures the Caddy image (berth/static) exists on the server; returns its ref. */
  image: () => Promise<string>;
  /** Caddy's grace_period on the switch (see CaddyEdgeProxyOptions). Default 30 s. */
  drainMs?: number;
  /** How long the edge retries dialling a restarting switch. Default 5 s. */
  switchRetryMs?: number;
  /** How long a starting container may take to answer its admin API. Default 15 s. */
  startTimeoutMs?: number;
  /** The edge's HTTPS listener and ACME issuer; absent: HTTP only. */
  tls?: RemoteEdgeTls;
}

// sun_path is 108 bytes on Linux: Caddy fails with a vague error on a longer socket path.
const MAX_SOCKET_PATH = 107;

export class RemoteCaddyProxy implements EdgeProxy {
  readonly dir: string;
  readonly switchSocket: string;
  readonly edge: ProxyContainer;
  readonly switch: ProxyContainer;
  private readonly port: number;
  private readonly drainMs: number;
  private readonly switchRetryMs: number;
  private readonly startTimeoutMs: number;
  /** Caddy's storage on the server (certificates, ACME account), the local edge's layout. */
  readonly storage: string;
  /** Caddy's TLS log on the server, which certificate readiness reads. */
  readonly tlsLog: string;
  private readonly edgeTls: EdgeTls | undefined;
  private readonly caRoot: { name: string; pem: string } | undefined;
  private readonly files: RemoteProxyFiles;
  private readonly switchRoutes: SwitchRoutes;
  private readonly desiredRoutes: DesiredRoutes;
  /** Adopted containers are checked once against the desired config (an upgrade, a change cut short). */
  private reconciled = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: RemoteCaddyProxyOptions) {
    this.dir = `${opts.stateRoot.replace(/\/+$/, '')}/proxy`;
    this.port = opts.httpPort;
    this.drainMs = opts.drainMs ?? 30_000;
    this.switchRetryMs = opts.switchRetryMs ?? 5_000;
    this.startTimeoutMs = opts.startTimeoutMs ?? 15_000;
    this.switchSocket = `${this.dir}/switch.sock`;
    this.storage = `${this.dir}/edge/data/caddy`;
    this.tlsLog = `${this.dir}/edge-tls.log`;
    if (opts.tls) {
      const { caRootPem, ...tls } = opts.tls;
      // Named by its content: another root is another path, so the edge's config changes with it.
      this.caRoot = caRootPem ? { name: `acme-ca-root-${createHash('sha256').update(caRootPem).digest('hex').slice(0, 12)}.pem`, pem: caRootPem } : undefined;
      this.edgeTls = { ...tls, ...(this.caRoot ? { caRoot: `${this.dir}/${this.caRoot.name}` } : {}) };
    }
    // Two state roots on one server have two proxies (they must then use two ports).
    const tag = createHash('sha256').update(opts.stateRoot).digest('hex').slice(0, 10);
    const container = (role: 'edge' | 'switch', stopTimeoutSeconds: number) => {
      const socket = `${this.dir}/${role}-admin.sock`;
      const admin = new CaddyAdmin(socket, { agent: new ForwardedSocketAgent(() => opts.session.openUnixSocket(socket)) });
      return new ProxyContainer({
        docker: opts.engine.docker,
        role,
        name: `berth-proxy-${tag}-${role}`,
        stateRoot: opts.stateRoot,
        dir: this.dir,
        admin,
        startTimeoutMs: this.startTimeoutMs,
        stopTimeoutSeconds,
      });
    };
    this.edge = container('edge', 10);
    this.switch = container('switch', Math.ceil(this.drainMs / 1000) + 5);
    this.files = new RemoteProxyFiles(() => opts.session.sftp(), this.dir);
    this.switchRoutes = new SwitchRoutes(this.switch.opts.admin, (reason) => this.switch.unavailable(reason));
    // Each change of the desired routes is also written into the switch's config file.
    this.desiredRoutes = this.files.desired(async (routes) => void (await this.files.writeConfig('switch', this.switchConfig(routes))));
  }

  httpPort(): number {
    return this.port;
  }

  tls(): EdgeTls | undefined {
    return this.edgeTls;
  }

  /** Readiness of the domain's certificate from the edge's storage and TLS log on the server (reads only). */
  async certificate(domain: string): Promise<CertificateObservation> {
    const files = await this.guard(() => readCertificateFiles(this.opts.engine.docker, this.edge.name, { storage: this.storage, tlsLog: this.tlsLog, domain }));
    return certificateReadiness(domain, newestCertificate(files.pems), parseTlsLog(files.log), new Date());
  }

  async ensureRunning(): Promise<{ httpPort: number }> {
    await this.serial(() => this.ensureRunningNow());
    return { httpPort: this.port };
  }

  async applyRoute(route: RouteSpec): Promise<void> {
    const invalid = invalidRoute(route);
    if (invalid) throw routeFailed(route.id, invalid);
    await this.serial(async () => {
      await this.ensureRunningNow();
      await this.switchRoutes.apply(route, this.desiredRoutes);
    });
  }

  async removeRoute(id: string): Promise<void> {
    await this.serial(async () => {
      await this.ensureRunningNow();
      await this.switchRoutes.remove(id, this.desiredRoutes);
    });
  }

  async getRoute(id: string): Promise<ObservedRoute | undefined> {
    return (await this.listRoutes()).find((r) => r.id === id);
  }

  /** What the switch serves now, read from its admin API (reads never start anything). */
  async listRoutes(): Promise<ObservedRoute[]> {
    return this.guard(() => this.switchRoutes.live());
  }

  /** Stops both containers (the edge first: clients are refused at once); routes stay on the server. */
  async stop(): Promise<{ edge?: number; switch?: number }> {
    return this.serial(async () => {
      const edge = await this.edge.stop();
      const sw = await this.switch.stop();
      this.reconciled = false;
      return { ...(edge === undefined ? {} : { edge }), ...(sw === undefined ? {} : { switch: sw }) };
    });
  }

  /** Server-side pids of both Caddy instances while they run. */
  async pids(): Promise<{ edge?: number; switch?: number }> {
    const [edge, sw] = await Promise.all([this.edge.pid(), this.switch.pid()]);
    return { ...(edge === undefined ? {} : { edge }), ...(sw === undefined ? {} : { switch: sw }) };
  }

  /** Whether a deploy ever set the proxy up on this server (either container exists, running or not). */
  async installed(): Promise<boolean> {
    return this.guard(async () => (await this.edge.inspect()) !== undefined || (await this.switch.inspect()) !== undefined);
  }

  /** For `berth doctor` and `server test`: both admin APIs answer and the switch holds Berth's routes. Never starts anything. */
  async probe(): Promise<ProbeResult> {
    const detail = { httpPort: this.port, ...(this.edgeTls ? { httpsListen: this.edgeTls.listen } : {}), edge: this.edge.opts.admin.adminUrl, switch: this.switch.opts.admin.adminUrl };
    for (const c of [this.edge, this.switch]) {
      if (!(await c.opts.admin.answers(2_000))) return { ok: false, detail, reason: `${c.opts.admin.adminUrl} does not answer` };
    }
    try {
      return { ok: true, detail: { ...detail, routes: (await this.switchRoutes.live()).length } };
    } catch (err) {
      return { ok: false, detail, reason: String((err as BerthError).details?.reason ?? (err as Error).name) };
    }
  }

  /** One call at a time from this control plane (others are kept out by the caller's lock). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.guard(fn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Engine, SSH and SFTP failures are proxy_unavailable; the proxy's own errors pass. */
  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof BerthError && (err.code === 'proxy_unavailable' || err.code === 'proxy_route_failed')) throw err;
      const code = err instanceof BerthError ? err.code : ((err as { code?: unknown }).code ?? (err as Error).name);
      throw new BerthError('proxy_unavailable', "The server's edge proxy cannot be reached or managed.", {
        adminUrl: this.switch.opts.admin.adminUrl,
        reason: `${String(code)}${err instanceof BerthError && err.details?.reason ? `: ${String(err.details.reason)}` : ''}`,
      });
    }
  }

  private switchConfig(routes: RouteSpec[]): Record<string, unknown> {
    return switchConfig({ adminSocket: this.switch.opts.admin.socketPath, switchSocket: this.switchSocket, drainMs: this.drainMs, routes });
  }

  private edgeConfig(): Record<string, unknown> {
    const tls = this.edgeTls ? { tls: this.edgeTls, tlsLog: this.tlsLog, storage: this.storage } : {};
    return edgeConfig({ adminSocket: this.edge.opts.admin.socketPath, httpPort: this.port, switchSocket: this.switchSocket, switchRetryMs: this.switchRetryMs, ...tls });
  }

  // Desired state first (the files a restarted container loads), then the switch, so the edge's
  // first requests find it up. The public ports (HTTP, and HTTPS with TLS) are checked before a
  // fresh edge starts and again once it listens: Caddy binds with SO_REUSEPORT, so another root
  // process doing the same (the edge of another state root) would share a port without an error.
  private async ensureRunningNow(): Promise<void> {
    for (const c of [this.edge, this.switch]) {
      if (c.opts.admin.socketPath.length > MAX_SOCKET_PATH) throw c.unavailable('admin socket path too long');
    }
    const ref = await this.opts.image();
    const imageId = await this.opts.engine.imageId(ref);
    if (!imageId) throw this.edge.unavailable(`proxy image ${ref} is missing on the server`);
    await this.files.prepare();
    if (this.caRoot) await this.files.writeFile(this.caRoot.name, this.caRoot.pem);
    let routes: RouteSpec[];
    try {
      routes = await this.files.readRoutes();
    } catch {
      throw this.switch.unavailable('routes file unreadable');
    }
    const switchCfg = this.switchConfig(routes);
    const edgeCfg = this.edgeConfig();
    const switchFile = await this.files.writeConfig('switch', switchCfg);
    const edgeFile = await this.files.writeConfig('edge', edgeCfg);

    const sw = await this.switch.ensure({
      imageId,
      configFile: switchFile,
      sockets: [this.switch.opts.admin.socketPath, this.switchSocket],
      baseConfig: this.switchConfig([]),
    });
    if (sw === 'adopted' && !this.reconciled) await reconcileConfig(this.switch.opts.admin, switchCfg, (r) => this.switch.unavailable(r));

    const edgeRunning = (await this.edge.pid()) !== undefined;
    if (!edgeRunning) await this.assertPortFree();
    let outcome: 'adopted' | 'started';
    try {
      outcome = await this.edge.ensure({ imageId, configFile: edgeFile, sockets: [this.edge.opts.admin.socketPath], baseConfig: edgeCfg });
    } catch (err) {
      if (err instanceof BerthError && /address already in use/.test(String(err.details?.reason))) throw this.portTaken(this.listens().find((at) => String(err.details?.reason).includes(`:${at.port}`)) ?? { port: this.port });
      throw err;
    }
    await this.assertPortOwned(outcome);
    if (outcome === 'adopted' && !this.reconciled) await reconcileConfig(this.edge.opts.admin, edgeCfg, (r) => this.edge.unavailable(r));
    this.reconciled = true;
  }

  /** Every address the edge binds on the server: its HTTP port on every address, and its HTTPS listener with TLS. */
  private listens(): ListenAddress[] {
    return [{ port: this.port }, ...(this.edgeTls ? [listenAddress(this.edgeTls.listen, this.edgeTls.port)] : [])];
  }

  private async assertPortFree(): Promise<void> {
    for (const at of this.listens()) {
      const listeners = await this.files.listenersOn(at.port, at.host);
      if (listeners?.length) throw this.portTaken(at);
    }
  }

  /** Exactly one listener per address once the edge runs: Caddy's admin API answers a moment before it binds. */
  private async assertPortOwned(outcome: 'adopted' | 'started'): Promise<void> {
    const deadline = Date.now() + this.startTimeoutMs;
    for (const at of this.listens()) {
      for (;;) {
        const listeners = await this.files.listenersOn(at.port, at.host);
        if (listeners === undefined || listeners.length === 1) break;
        if (listeners.length > 1) {
          if (outcome === 'started') await this.edge.stop(); // never left splitting the port's connections
          throw this.portTaken(at);
        }
        if (Date.now() > deadline) throw this.edge.unavailable(`edge does not listen on ${describeAddress(at)}`);
        await sleep(50);
      }
    }
  }

  private portTaken(at: ListenAddress): BerthError {
    const where = describeAddress(at);
    return new BerthError('proxy_unavailable', `Another process listens on the edge proxy's address ${where} on the server.`, {
      adminUrl: this.edge.opts.admin.adminUrl,
      reason: `${at.host === undefined ? `port ${at.port}` : where} is already bound on the server`,
      port: at.port,
    });
  }
}
