import type Docker from 'dockerode';
import { Dockerode } from './dockerode.js';

/** The variables the docker CLI reads to find its engine; docker-modem reads the same ones. */
export const DOCKER_ENV_KEYS = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_PATH_PREFIX', 'DOCKER_CLIENT_TIMEOUT', 'SSH_AUTH_SOCK'] as const;
export type DockerEnv = Partial<Record<(typeof DOCKER_ENV_KEYS)[number], string>>;

/** The docker variables of an environment (unset and empty ones left out). */
export function dockerEnvOf(env: NodeJS.ProcessEnv): DockerEnv {
  return Object.fromEntries(DOCKER_ENV_KEYS.filter((k) => env[k]).map((k) => [k, env[k]!]));
}

/**
 * The Docker Engine API client for a docker environment (DOCKER_HOST with unix://, tcp://,
 * ssh://, and DOCKER_TLS_VERIFY / DOCKER_CERT_PATH), parsed by docker-modem itself so Berth
 * reads DOCKER_HOST exactly as dockerode does. docker-modem only reads process.env, and only in
 * its constructor: the given variables stand in for process.env's during that synchronous call
 * (nothing else can run in between), so a control plane started with its own environment still
 * reaches the engine that environment names.
 */
export function dockerClient(env: DockerEnv = {}): Docker {
  const saved = DOCKER_ENV_KEYS.map((k) => [k, process.env[k]] as const);
  try {
    for (const k of DOCKER_ENV_KEYS) {
      if (env[k] !== undefined) process.env[k] = env[k];
      else delete process.env[k];
    }
    // No DOCKER_HOST: the system socket, as before (docker-modem would prefer ~/.docker/run).
    return env.DOCKER_HOST ? new Dockerode() : new Dockerode({ socketPath: '/var/run/docker.sock' });
  } finally {
    for (const [k, v] of saved) {
      if (v !== undefined) process.env[k] = v;
      else delete process.env[k];
    }
  }
}
