import { berthHome } from '../surfaces/client/state-file.js';

/** Control plane settings from the environment, with the embedded defaults. */
export interface ServeSettings {
  home: string;
  databaseUrl?: string;
  host: string;
  port: number;
  baseDomain: string;
  proxyAdminUrl: string;
  /** Docker Engine API endpoint (DOCKER_HOST form); the local socket when unset. */
  dockerHost?: string;
}

export function serveSettings(env: NodeJS.ProcessEnv, flags: { listen?: string; port?: string } = {}): ServeSettings {
  const listen = flags.listen ?? env.BERTH_LISTEN ?? '127.0.0.1';
  const [host, portFromListen] = listen.includes(':') ? [listen.slice(0, listen.lastIndexOf(':')), listen.slice(listen.lastIndexOf(':') + 1)] : [listen, undefined];
  return {
    home: berthHome(env),
    databaseUrl: env.BERTH_DATABASE_URL || undefined,
    host: host || '127.0.0.1',
    port: Number(flags.port ?? portFromListen ?? env.BERTH_PORT ?? 7420),
    baseDomain: env.BERTH_BASE_DOMAIN ?? 'localhost',
    proxyAdminUrl: env.BERTH_PROXY_ADMIN_URL ?? 'http://127.0.0.1:2019',
    dockerHost: env.DOCKER_HOST || undefined,
  };
}
