import { serve } from '@hono/node-server';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { probeDocker } from '../adapters/docker/probe.js';
import { httpProber } from '../adapters/http/prober.js';
import { createPlanner } from '../adapters/detect/index.js';
import { edgePorts } from '../core/compose/checks.js';
import { createSourceReader, createUploadStore } from '../adapters/sources/index.js';
import { DeploymentRunner } from '../engine/deployments/runner.js';
import { startReconciler } from '../engine/deployments/reconciler.js';
import { startCertificateObserver } from '../engine/domains/observe-certificates.js';
import { claimPublicHost, dropPublicRoute, startPublicEdge } from '../engine/domains/control-plane-route.js';
import { DEFAULT_ENGINE_SETTINGS } from '../engine/deployments/settings.js';
import { hostname } from 'node:os';
import { createTargets, workRootOf, type LocalTargets } from './targets.js';
import { openStore } from '../adapters/store/open-store.js';
import { createSecretCipher } from '../adapters/secrets/cipher.js';
import { createSecretResolver } from '../adapters/secrets/resolver.js';
import type { Actor } from '../core/model/records.js';
import { OPERATIONS } from '../operations/catalogue.js';
import { createDispatcher } from '../operations/dispatch.js';
import { ensureLocalServer } from '../operations/servers/servers.js';
import { trackWork } from '../core/work/track.js';
import { createConsoleSessions } from '../operations/sessions/sessions.js';
import { hashTokenSecret } from '../operations/tokens/secret.js';
import { issueToken } from '../operations/tokens/tokens.js';
import { createRemoteStateRoots } from './remote-state.js';
import { createServerSsh } from './server-ssh.js';
import { createSshConnector } from '../adapters/ssh/connector.js';
import type { OperationContext } from '../ports/context.js';
import type { Store } from '../ports/store.js';
import { createHttpApp } from '../surfaces/http/app.js';
import { continuesWhenRead } from '../surfaces/http/upload-route.js';
import { answerClientError } from '../surfaces/http/client-errors.js';
import { removeControlPlaneState, writeControlPlaneState } from '../surfaces/client/state-file.js';
import type { StartStage } from '../surfaces/client/start-progress.js';
import { controlPlaneAcme, type ServeSettings } from './settings.js';
import { serveTransport } from './serve-transport.js';
import { VERSION } from './version.js';

export interface ControlPlane {
  url: string;
  /** How the API is served (doctor shows the same). */
  transport: OperationContext['settings']['transport'];
  /** The local operator token, for the CLI on this machine. */
  token: string;
  store: Store;
  targets: LocalTargets;
  runner: DeploymentRunner;
  close(): Promise<void>;
}

const SYSTEM: Actor = { kind: 'system', id: 'control-plane' };

/** host:port the switch dials for the API: the bound address, loopback for a wildcard one. */
function loopbackUpstream(address: string, port: number): string {
  const host = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The local CLI's token: reused while it is valid, re-issued when missing or revoked. */
async function localToken(store: Store, home: string): Promise<string> {
  const file = join(home, 'local-token');
  try {
    const secret = readFileSync(file, 'utf8').trim();
    const token = await store.tokens.findByHash(hashTokenSecret(secret));
    if (token && !token.revokedAt) return secret;
  } catch {
    // no token yet
  }
  const { secret } = await store.transaction((tx) => issueToken(tx, SYSTEM, new Date(), 'local-cli'));
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export interface StartOptions {
  writeStateFile?: boolean;
  /** Sees every error an operation answers, with the operation's name. */
  observeError?: (operation: string, code: string) => void;
  /** Told each start stage as it begins (`berth serve` reports them to a waiting CLI). */
  progress?: (stage: StartStage) => void;
  /** Told once the API answers, just before the state file names it (the start's progress ends). */
  listening?: () => void;
}

export async function startControlPlane(settings: ServeSettings, opts: StartOptions = {}): Promise<ControlPlane> {
  // Before the store opens: a refused transport leaves nothing behind.
  const transport = serveTransport(settings);
  const progress = opts.progress ?? (() => undefined);
  const store = await openStore({ home: settings.home, databaseUrl: settings.databaseUrl, onStage: progress });
  try {
    progress('services');
    const localServer = await store.transaction((tx) => ensureLocalServer(tx, SYSTEM, new Date()));
    // Before it listens: a public host that a resource already has as a domain is refused.
    if (transport.edgeHost) await claimPublicHost(store, transport.edgeHost);
    const token = await localToken(store, settings.home);
    const log = (msg: string, err?: unknown) => console.error(`[berth] ${msg}`, err ?? '');
    const secrets = createSecretCipher({ home: settings.home, key: settings.secretKey });
    const connector = createSshConnector();
    const ssh = createServerSsh({ store, secrets, connector, ...(process.env.SSH_AUTH_SOCK ? { agentSocket: process.env.SSH_AUTH_SOCK } : {}) });
    const remoteState = createRemoteStateRoots({ home: settings.home, sessionFor: async (server) => (await ssh.connect(server)).session, stateRootOf: (server) => server.stateRoot });
    const targets = createTargets(settings, { ssh, remoteState });
    const sources = createSourceReader();
    const planner = createPlanner({ edgePorts: edgePorts(settings.httpPort) });
    const workRoot = workRootOf(settings.home);
    const uploads = createUploadStore({ workRoot, maxBytes: settings.uploads.maxBytes, ttlMs: settings.uploads.ttlSeconds * 1000 });
    const runner = new DeploymentRunner({
      store,
      secrets: createSecretResolver(store.resourceSecrets, secrets),
      targets,
      sources,
      planner,
      prober: httpProber,
      owner: `${process.pid}@${hostname()}`,
      log,
      settings: { ...DEFAULT_ENGINE_SETTINGS, ...settings.engine, workRoot, baseDomain: settings.baseDomain },
    });
    const transportName = transport.tls ? 'https' : transport.insecure ? 'insecure-http' : 'http';
    const context = (actor: Actor): OperationContext => ({
      store,
      actor,
      now: () => new Date(),
      diagnostics: {
        docker: () => probeDocker(targets.local.engine.docker),
        proxy: () => targets.local.proxy.probe(),
        edgePort: async () => targets.local.proxy.probePort(),
        ...(transport.edgeHost ? { publicCertificate: () => targets.local.proxy.certificate(transport.edgeHost!) } : {}),
      },
      deploy: { runner, targets, sources, planner, prober: httpProber, workRoot, uploads, streamPollMs: 200, streamHeartbeatMs: 5_000 },
      secrets,
      remoteState,
      ssh,
      settings: {
        home: settings.home,
        version: VERSION,
        listen: `${settings.host}:${settings.port}`,
        transport: transportName,
        ...(transport.publicUrl ? { publicUrl: transport.publicUrl } : {}),
        ...(transport.edgeHost ? { publicEdgeHost: transport.edgeHost } : {}),
        baseDomain: settings.baseDomain,
        httpPort: settings.httpPort,
        https: Boolean(settings.edgeTls),
        acme: controlPlaneAcme(settings),
      },
    });
    const logError = (correlationId: string, err: unknown) => console.error(`[berth] internal error ${correlationId}:`, err);
    const observeError = opts.observeError;
    const dispatcher = createDispatcher({ context, logError, ...(observeError ? { observeError: (op, error) => observeError(op.name, error.code) } : {}) });
    const app = createHttpApp({ operations: OPERATIONS, dispatcher, version: VERSION, bodyLimitBytes: settings.maxBodyBytes, logError, consoleSessions: createConsoleSessions(store) });
    progress('listening');
    const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const listen = { fetch: app.fetch, hostname: settings.host, port: settings.port };
      const s = transport.tls ? serve({ ...listen, createServer: createHttpsServer, serverOptions: transport.tls }, () => resolve(s)) : serve(listen, () => resolve(s));
      s.on('clientError', answerClientError);
      s.once('error', reject);
    });
    // Expect: 100-continue is answered at once, except where the route asks for the body itself.
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      if (!continuesWhenRead(req.url)) res.writeContinue();
      server.emit('request', req, res);
    });
    const { port, address } = server.address() as AddressInfo;
    const url = `${transport.tls ? 'https' : 'http'}://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;
    opts.listening?.();
    if (opts.writeStateFile !== false) writeControlPlaneState(settings.home, { pid: process.pid, url, token, startedAt: new Date().toISOString(), version: VERSION });
    // The background work starts once the API answers: its store calls and Docker requests would
    // otherwise queue ahead of the start on the one store connection and the CPU.
    // Proxy bootstrap: in the background, so a missing Caddy never blocks the API (doctor reports
    // it). The public URL served by the edge needs it whatever BERTH_PROXY_BOOTSTRAP says.
    const proxy = targets.local.proxy;
    const stopPublicEdge = transport.edgeHost
      ? startPublicEdge(
          { proxy, https: targets.local.runtime.httpsProber, edgeHost: targets.local.runtime.edgeHost, ...(settings.engine.acmeTrust ? { ca: settings.engine.acmeTrust } : {}), work: store.work, serverId: localServer.id, log },
          { host: transport.edgeHost, upstream: loopbackUpstream(address, port) },
          { waitSeconds: settings.engine.certRetrySeconds, everyMs: settings.engine.certObserveMs },
        )
      : async () => undefined;
    if (!transport.edgeHost) {
      const bootstrap = settings.proxyBootstrap ? trackWork(store.work, { kind: 'proxy-bootstrap', serverId: localServer.id }, () => proxy.ensureRunning()) : Promise.resolve();
      // An earlier start's public URL route would keep claiming its host: this start serves none
      // (read only when the proxy has none, and never starts it).
      void bootstrap.then(() => dropPublicRoute(proxy)).catch((err) => log('proxy bootstrap failed', err));
    }
    // Uploads are swept by age on every upload and read; this catches the ones nobody asks for again.
    const sweepUploads = () => void uploads.sweep(new Date()).catch((err) => log('upload sweep failed', err));
    sweepUploads();
    const uploadSweep = setInterval(sweepUploads, Math.max(60_000, settings.uploads.ttlSeconds * 250)).unref();
    const stopReconciler = startReconciler({ store, targets, runner, staleAfterSeconds: settings.engine.staleAfterSeconds, log }, settings.engine.reconcileEveryMs);
    // Caddy renews certificates by itself; this is what records renewals (and later failures).
    const stopCertObserver = startCertificateObserver({ store, targets, log }, settings.engine.certObserveMs);
    let closed = false;
    return {
      url,
      transport: transportName,
      token,
      store,
      targets,
      runner,
      close: async () => {
        if (closed) return;
        closed = true;
        stopReconciler();
        await stopPublicEdge();
        clearInterval(uploadSweep);
        await stopCertObserver();
        if (opts.writeStateFile !== false) removeControlPlaneState(settings.home, process.pid);
        await new Promise<void>((r) => server.close(() => r()));
        // Let running attempts finish their current work before the store goes away; any still
        // running after the bound are ended `interrupted` by the next control plane's reconciler.
        await Promise.race([runner.idle(), new Promise((r) => setTimeout(r, 30_000).unref())]);
        await connector.closeAll();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}
