import { readFileSync } from 'node:fs';
import { dockerEnvOf, type DockerEnv } from '../adapters/docker/engine.js';
import { DEFAULT_UPLOAD_MAX_BYTES, DEFAULT_UPLOAD_TTL_MS } from '../adapters/sources/index.js';
import { readCertificates, SYSTEM_CA_BUNDLE, uniqueCertificates } from '../platform/ca-bundle.js';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings, type HostTrust } from '../engine/deployments/settings.js';
import { DEFAULT_CERT_OBSERVE_MS } from '../engine/domains/observe-certificates.js';
import { LOCK_DEFAULTS } from '../core/remote-state/lock.js';
import { berthHome } from '../surfaces/client/state-file.js';
import type { EdgeTls } from '../ports/edge-proxy.js';
import type { RemoteEdgeTls } from '../adapters/proxy/remote-caddy-proxy.js';
import { effectiveAcme, type ControlPlaneAcme } from '../core/domains/server-acme.js';
import type { Server } from '../core/model/records.js';

const num = (v: string | undefined, fallback: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : fallback);

/** Control plane settings from the environment, with the embedded defaults. */
export interface ServeSettings {
  home: string;
  databaseUrl?: string;
  /** BERTH_SECRET_KEY: seals resource secrets; else `<home>/secret.key` is used. */
  secretKey?: string;
  host: string;
  port: number;
  /**
   * HTTPS for the API (--tls-cert/--tls-key, BERTH_TLS_CERT/BERTH_TLS_KEY: PEM files). Without it,
   * the control plane serves plain HTTP, which beyond loopback it refuses (`listen_insecure`)
   * unless insecureHttp (--insecure-http, BERTH_INSECURE_HTTP=1) says so on purpose.
   */
  tls: { certFile?: string; keyFile?: string };
  insecureHttp: boolean;
  /**
   * --public-url, BERTH_PUBLIC_URL: the https origin clients reach this control plane at. Without
   * a TLS pair and with the edge's HTTPS listener, the edge serves it (docs/control-plane.md).
   */
  publicUrl?: string;
  baseDomain: string;
  /** DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH...: read by dockerode; the local socket when unset. */
  dockerEnv: DockerEnv;
  /** Public HTTP port of the edge proxy (generated URLs use it). */
  httpPort: number;
  caddyBin: string;
  /**
   * The edge's HTTPS listener and ACME settings; absent when HTTPS is off. BERTH_HTTPS_LISTEN
   * (`:443` by default when the edge serves port 80, off otherwise; `off` turns it off),
   * BERTH_ACME_CA (Let's Encrypt's directory by default), BERTH_ACME_EMAIL, BERTH_ACME_CA_ROOT (a
   * private CA's root PEM, trusted for the ACME directory only), BERTH_ACME_CHALLENGES
   * (`http-01,tls-alpn-01` by default), BERTH_CERT_RENEWAL_RATIO (the fraction of a certificate's
   * lifetime left when the edge renews it; Caddy's 1/3 when unset).
   */
  edgeTls?: EdgeTls;
  /**
   * BERTH_SERVER_HTTPS_LISTEN: where SSH servers' edges listen for HTTPS (an address on the
   * server, `:443`, or `off`); unset: `:443` on a server whose edge serves port 80, as here.
   * Their ACME CA and email are their own when set, else this control plane's: see serverEdgeTls.
   */
  serverHttpsListen?: string;
  /** Uploaded sources (remote clients): the largest archive accepted, and how long one is kept. */
  uploads: { maxBytes: number; ttlSeconds: number };
  /** Start the proxy pair when the control plane starts (a deploy starts it anyway). */
  proxyBootstrap: boolean;
  /** BERTH_MAX_BODY_BYTES: largest JSON request body the HTTP API reads (1 MiB by default). */
  maxBodyBytes: number;
  engine: {
    staleAfterSeconds: number;
    heartbeatMs: number;
    reconcileEveryMs: number;
    drainMs: number;
    /** BERTH_ROLLBACK_WARM_SECONDS: how long a replaced version stays running for a fast rollback. */
    rollbackWarmSeconds: number;
    minFreeBytes: number;
    pollMs: number;
    /** BERTH_CERT_RETRY_SECONDS: how long verify waits for a domain's certificate. */
    certRetrySeconds: number;
    /** BERTH_CERT_OBSERVE_MS: how often the control plane reads every TLS domain's readiness (renewals). */
    certObserveMs: number;
    /** The contents of BERTH_ACME_CA_ROOT, which the HTTPS check of a domain trusts. */
    acmeTrust?: string;
    deadlines: EngineSettings['deadlines'];
    /** Handed to dependency installs; absent when BERTH_BUILD_HOST_TRUST=0. */
    hostTrust?: HostTrust;
  };
  /**
   * An SSH server's state-root lock as deploys and prunes take it: how long one waits for a held
   * lock (BERTH_REMOTE_LOCK_WAIT_SECONDS; a deploy holds it through its build, so minutes), and
   * how long a heartbeat may age before the lock is stale (BERTH_REMOTE_LOCK_STALE_SECONDS).
   */
  remoteLock: { waitSeconds: number; staleAfterSeconds: number };
  /** BERTH_IMAGE_REGISTRY: node base images come from `<registry>/library/node:<major>-bookworm-slim`. */
  imageRegistry?: { registry: string; digests: Record<number, string>; cacheDir?: string };
}

/** The `berth serve` flags that override settings from the environment. */
export interface ServeSettingFlags {
  listen?: string;
  port?: string;
  tlsCert?: string;
  tlsKey?: string;
  insecureHttp?: boolean;
  publicUrl?: string;
}

const flag = (v: string | undefined) => (v === '1' || v === 'true' ? true : undefined);

export function serveSettings(env: NodeJS.ProcessEnv, flags: ServeSettingFlags = {}): ServeSettings {
  const listen = flags.listen ?? env.BERTH_LISTEN ?? '127.0.0.1';
  const [host, portFromListen] = listen.includes(':') ? [listen.slice(0, listen.lastIndexOf(':')), listen.slice(listen.lastIndexOf(':') + 1)] : [listen, undefined];
  return {
    home: berthHome(env),
    databaseUrl: env.BERTH_DATABASE_URL || undefined,
    secretKey: env.BERTH_SECRET_KEY || undefined,
    host: host || '127.0.0.1',
    port: Number(flags.port ?? portFromListen ?? env.BERTH_PORT ?? 7420),
    tls: { certFile: flags.tlsCert ?? (env.BERTH_TLS_CERT || undefined), keyFile: flags.tlsKey ?? (env.BERTH_TLS_KEY || undefined) },
    insecureHttp: flags.insecureHttp ?? flag(env.BERTH_INSECURE_HTTP) ?? false,
    ...((flags.publicUrl ?? env.BERTH_PUBLIC_URL) ? { publicUrl: flags.publicUrl ?? env.BERTH_PUBLIC_URL } : {}),
    baseDomain: env.BERTH_BASE_DOMAIN ?? 'localhost',
    dockerEnv: dockerEnvOf(env),
    httpPort: num(env.BERTH_HTTP_PORT, 80),
    caddyBin: env.BERTH_CADDY_BIN ?? 'caddy',
    ...optional('edgeTls', edgeTlsOf(env, num(env.BERTH_HTTP_PORT, 80))),
    ...optional('serverHttpsListen', env.BERTH_SERVER_HTTPS_LISTEN),
    proxyBootstrap: env.BERTH_PROXY_BOOTSTRAP !== 'false',
    uploads: { maxBytes: num(env.BERTH_UPLOAD_MAX_BYTES, DEFAULT_UPLOAD_MAX_BYTES), ttlSeconds: num(env.BERTH_UPLOAD_TTL_SECONDS, DEFAULT_UPLOAD_TTL_MS / 1000) },
    maxBodyBytes: num(env.BERTH_MAX_BODY_BYTES, 1024 * 1024),
    engine: {
      staleAfterSeconds: num(env.BERTH_STALE_AFTER_SECONDS, DEFAULT_ENGINE_SETTINGS.staleAfterSeconds),
      heartbeatMs: num(env.BERTH_HEARTBEAT_MS, DEFAULT_ENGINE_SETTINGS.heartbeatMs),
      reconcileEveryMs: num(env.BERTH_RECONCILE_EVERY_MS, DEFAULT_ENGINE_SETTINGS.reconcileEveryMs),
      drainMs: num(env.BERTH_DRAIN_MS, DEFAULT_ENGINE_SETTINGS.drainMs),
      rollbackWarmSeconds: num(env.BERTH_ROLLBACK_WARM_SECONDS, DEFAULT_ENGINE_SETTINGS.rollbackWarmSeconds),
      minFreeBytes: num(env.BERTH_MIN_FREE_BYTES, DEFAULT_ENGINE_SETTINGS.minFreeBytes),
      pollMs: num(env.BERTH_POLL_MS, DEFAULT_ENGINE_SETTINGS.pollMs),
      certRetrySeconds: num(env.BERTH_CERT_RETRY_SECONDS, DEFAULT_ENGINE_SETTINGS.certRetrySeconds),
      certObserveMs: num(env.BERTH_CERT_OBSERVE_MS, DEFAULT_CERT_OBSERVE_MS),
      ...optional('acmeTrust', env.BERTH_ACME_CA_ROOT ? readOptional(env.BERTH_ACME_CA_ROOT) : undefined),
      deadlines: { ...DEFAULT_ENGINE_SETTINGS.deadlines, ...stepDeadlines(env.BERTH_STEP_DEADLINES) },
      ...(env.BERTH_BUILD_HOST_TRUST === '0' || env.BERTH_BUILD_HOST_TRUST === 'false' ? {} : { hostTrust: hostTrustOf(env) }),
    },
    remoteLock: { waitSeconds: num(env.BERTH_REMOTE_LOCK_WAIT_SECONDS, 600), staleAfterSeconds: num(env.BERTH_REMOTE_LOCK_STALE_SECONDS, LOCK_DEFAULTS.staleAfterSeconds) },
    ...(env.BERTH_IMAGE_REGISTRY ? { imageRegistry: imageRegistryOf(env, env.BERTH_IMAGE_REGISTRY) } : {}),
  };
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // an unreadable root trusts nothing more; the HTTPS check then refuses the chain
  }
}

const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

export const LETS_ENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';
const CHALLENGES = ['http-01', 'tls-alpn-01'] as const;

/** An HTTPS listen setting as a Caddy listen address and its port; undefined for `off`. Default `:443` on an edge serving port 80. */
function httpsListenOf(raw: string | undefined, httpPort: number): Pick<EdgeTls, 'listen' | 'port'> | undefined {
  const listen = raw ?? (httpPort === 80 ? ':443' : 'off');
  if (listen === 'off' || listen === '') return undefined;
  const port = Number(listen.slice(listen.lastIndexOf(':') + 1));
  return { listen: listen.includes(':') ? listen : `:${listen}`, port: Number.isInteger(port) && port > 0 ? port : 443 };
}

/** The edge's HTTPS settings, or undefined when HTTPS is off (see ServeSettings.edgeTls). */
function edgeTlsOf(env: NodeJS.ProcessEnv, httpPort: number): EdgeTls | undefined {
  const at = httpsListenOf(env.BERTH_HTTPS_LISTEN, httpPort);
  if (!at) return undefined;
  const asked = (env.BERTH_ACME_CHALLENGES ?? CHALLENGES.join(',')).split(',').map((c) => c.trim());
  const challenges = CHALLENGES.filter((c) => asked.includes(c));
  const ratio = num(env.BERTH_CERT_RENEWAL_RATIO, 0);
  return {
    ...at,
    ca: env.BERTH_ACME_CA || LETS_ENCRYPT_DIRECTORY,
    ...(env.BERTH_ACME_EMAIL ? { email: env.BERTH_ACME_EMAIL } : {}),
    ...(env.BERTH_ACME_CA_ROOT ? { caRoot: env.BERTH_ACME_CA_ROOT } : {}),
    challenges: challenges.length ? [...challenges] : [...CHALLENGES],
    // Outside (0, 1) it is ignored: Caddy's own window applies.
    ...(ratio > 0 && ratio < 1 ? { renewalRatio: ratio } : {}),
  };
}

/** The control plane's own ACME CA and email (what a server without its own uses), HTTPS on or off. */
export function controlPlaneAcme(settings: Pick<ServeSettings, 'edgeTls'>): ControlPlaneAcme {
  return { ca: settings.edgeTls?.ca ?? LETS_ENCRYPT_DIRECTORY, ...(settings.edgeTls?.email ? { email: settings.edgeTls.email } : {}) };
}

/**
 * An SSH server edge's HTTPS settings: the server's effective CA and email (effectiveAcme), this
 * control plane's challenges and renewal window, on serverHttpsListen. BERTH_ACME_CA_ROOT is the
 * root of the control plane's CA, so its PEM goes to the server only when the server uses that
 * CA: Caddy trusts the given roots instead of the system store, which another CA would fail.
 * Undefined when HTTPS is off here (the challenges are this control plane's) or for that server.
 */
export function serverEdgeTls(
  settings: Pick<ServeSettings, 'edgeTls' | 'serverHttpsListen'> & { engine: Pick<ServeSettings['engine'], 'acmeTrust'> },
  server: Pick<Server, 'kind' | 'httpPort' | 'acmeCa' | 'acmeEmail'>,
): RemoteEdgeTls | undefined {
  const at = httpsListenOf(settings.serverHttpsListen, server.httpPort);
  if (!settings.edgeTls || !at) return undefined;
  const { caRoot, ca: ownCa, ...rest } = settings.edgeTls;
  const { ca, email } = effectiveAcme(server, controlPlaneAcme(settings));
  // An unreadable root (no acmeTrust) is not sent: the edge then trusts the system store only.
  const root = caRoot && settings.engine.acmeTrust && ca === ownCa ? { caRootPem: settings.engine.acmeTrust } : {};
  return { ...rest, ca, ...(email ? { email } : {}), ...at, ...root };
}

/** The registry without a scheme, and BERTH_NODE_IMAGE_DIGEST_<major> pins. */
function imageRegistryOf(env: NodeJS.ProcessEnv, raw: string): NonNullable<ServeSettings['imageRegistry']> {
  const digests: Record<number, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const m = /^BERTH_NODE_IMAGE_DIGEST_(\d+)$/.exec(name);
    if (m && value) digests[Number(m[1])] = value.trim();
  }
  return { registry: raw.trim().replace(/^https?:\/\//, '').replace(/\/+$/, ''), digests, ...(env.BERTH_CACHE_DIR ? { cacheDir: env.BERTH_CACHE_DIR } : {}) };
}

/** BERTH_STEP_DEADLINES='{"build":600}' overrides step deadlines (seconds); bad JSON is ignored. */
function stepDeadlines(raw: string | undefined): Partial<EngineSettings['deadlines']> {
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(parsed).filter(([k, v]) => k in DEFAULT_ENGINE_SETTINGS.deadlines && typeof v === 'number' && v > 0));
  } catch {
    return {};
  }
}

const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

/**
 * What this host trusts, for dependency installs: its system CA store plus NODE_EXTRA_CA_CERTS
 * (which adds to it, as it does for the host's own node; each certificate once), and its proxy variables (either case; upper case wins).
 */
export function hostTrustOf(env: NodeJS.ProcessEnv, systemBundle = SYSTEM_CA_BUNDLE): HostTrust {
  const unique = uniqueCertificates([...readCertificates(systemBundle), ...readCertificates(env.NODE_EXTRA_CA_CERTS)]);
  const proxy: Record<string, string> = {};
  for (const name of PROXY_VARS) {
    const value = env[name] || env[name.toLowerCase()];
    if (value) proxy[name] = value;
  }
  return { caBundle: unique.length ? `${unique.join('\n')}\n` : '', proxy };
}
