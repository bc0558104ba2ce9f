import { dockerEnvOf, type DockerEnv } from '../adapters/docker/engine.js';
import { DEFAULT_UPLOAD_MAX_BYTES, DEFAULT_UPLOAD_TTL_MS } from '../adapters/sources/index.js';
import { readFileSync } from 'node:fs';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings, type HostTrust } from '../engine/deployments/settings.js';
import { LOCK_DEFAULTS } from '../core/remote-state/lock.js';
import { berthHome } from '../surfaces/client/state-file.js';

const num = (v: string | undefined, fallback: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : fallback);

/** Control plane settings from the environment, with the embedded defaults. */
export interface ServeSettings {
  home: string;
  databaseUrl?: string;
  /** BERTH_SECRET_KEY: seals resource secrets; else `<home>/secret.key` is used. */
  secretKey?: string;
  host: string;
  port: number;
  baseDomain: string;
  /** DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH...: read by dockerode; the local socket when unset. */
  dockerEnv: DockerEnv;
  /** Public HTTP port of the edge proxy (generated URLs use it). */
  httpPort: number;
  caddyBin: string;
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
    minFreeBytes: number;
    pollMs: number;
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

export function serveSettings(env: NodeJS.ProcessEnv, flags: { listen?: string; port?: string } = {}): ServeSettings {
  const listen = flags.listen ?? env.BERTH_LISTEN ?? '127.0.0.1';
  const [host, portFromListen] = listen.includes(':') ? [listen.slice(0, listen.lastIndexOf(':')), listen.slice(listen.lastIndexOf(':') + 1)] : [listen, undefined];
  return {
    home: berthHome(env),
    databaseUrl: env.BERTH_DATABASE_URL || undefined,
    secretKey: env.BERTH_SECRET_KEY || undefined,
    host: host || '127.0.0.1',
    port: Number(flags.port ?? portFromListen ?? env.BERTH_PORT ?? 7420),
    baseDomain: env.BERTH_BASE_DOMAIN ?? 'localhost',
    dockerEnv: dockerEnvOf(env),
    httpPort: num(env.BERTH_HTTP_PORT, 80),
    caddyBin: env.BERTH_CADDY_BIN ?? 'caddy',
    proxyBootstrap: env.BERTH_PROXY_BOOTSTRAP !== 'false',
    uploads: { maxBytes: num(env.BERTH_UPLOAD_MAX_BYTES, DEFAULT_UPLOAD_MAX_BYTES), ttlSeconds: num(env.BERTH_UPLOAD_TTL_SECONDS, DEFAULT_UPLOAD_TTL_MS / 1000) },
    maxBodyBytes: num(env.BERTH_MAX_BODY_BYTES, 1024 * 1024),
    engine: {
      staleAfterSeconds: num(env.BERTH_STALE_AFTER_SECONDS, DEFAULT_ENGINE_SETTINGS.staleAfterSeconds),
      heartbeatMs: num(env.BERTH_HEARTBEAT_MS, DEFAULT_ENGINE_SETTINGS.heartbeatMs),
      reconcileEveryMs: num(env.BERTH_RECONCILE_EVERY_MS, DEFAULT_ENGINE_SETTINGS.reconcileEveryMs),
      drainMs: num(env.BERTH_DRAIN_MS, DEFAULT_ENGINE_SETTINGS.drainMs),
      minFreeBytes: num(env.BERTH_MIN_FREE_BYTES, DEFAULT_ENGINE_SETTINGS.minFreeBytes),
      pollMs: num(env.BERTH_POLL_MS, DEFAULT_ENGINE_SETTINGS.pollMs),
      deadlines: { ...DEFAULT_ENGINE_SETTINGS.deadlines, ...stepDeadlines(env.BERTH_STEP_DEADLINES) },
      ...(env.BERTH_BUILD_HOST_TRUST === '0' || env.BERTH_BUILD_HOST_TRUST === 'false' ? {} : { hostTrust: hostTrustOf(env) }),
    },
    remoteLock: { waitSeconds: num(env.BERTH_REMOTE_LOCK_WAIT_SECONDS, 600), staleAfterSeconds: num(env.BERTH_REMOTE_LOCK_STALE_SECONDS, LOCK_DEFAULTS.staleAfterSeconds) },
    ...(env.BERTH_IMAGE_REGISTRY ? { imageRegistry: imageRegistryOf(env, env.BERTH_IMAGE_REGISTRY) } : {}),
  };
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

/** Debian's system store; NODE_EXTRA_CA_CERTS adds to it, as it does for the host's own node. */
export const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'];

/**
 * What this host trusts, for dependency installs: its system CA store plus NODE_EXTRA_CA_CERTS
 * (each certificate once), and its proxy variables (either case; upper case wins).
 */
export function hostTrustOf(env: NodeJS.ProcessEnv, systemBundle = SYSTEM_CA_BUNDLE): HostTrust {
  const read = (path: string | undefined) => {
    if (!path) return '';
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return ''; // an unreadable bundle trusts nothing more, like node ignoring a bad NODE_EXTRA_CA_CERTS
    }
  };
  const certs = [read(systemBundle), read(env.NODE_EXTRA_CA_CERTS)].flatMap((text) => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []);
  const unique = [...new Map(certs.map((c) => [c.replace(/\s+/g, ''), c])).values()];
  const proxy: Record<string, string> = {};
  for (const name of PROXY_VARS) {
    const value = env[name] || env[name.toLowerCase()];
    if (value) proxy[name] = value;
  }
  return { caBundle: unique.length ? `${unique.join('\n')}\n` : '', proxy };
}
