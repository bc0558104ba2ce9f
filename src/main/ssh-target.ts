import { createDockerEngine, type DockerEngine } from '../adapters/docker/docker-engine.js';
import { DEFAULT_REMOTE_DOCKER_SOCKET } from '../adapters/docker/ssh-agent.js';
import { httpProber, proberThrough } from '../adapters/http/prober.js';
import { RemoteCaddyProxy, type RemoteEdgeTls } from '../adapters/proxy/remote-caddy-proxy.js';
import { SftpFiles } from '../adapters/remote-state/sftp-files.js';
import { serverBaseDomain } from '../core/access/server-base-domain.js';
import type { Server } from '../core/model/records.js';
import { routedSubnets } from '../core/net/subnets.js';
import { BASE_IMAGES } from '../core/plan/base-images.js';
import type { TargetRuntime } from '../ports/deploy-runtime.js';
import type { RemoteStateRoots } from '../ports/remote-state.js';
import type { ServerSsh } from '../ports/server-ssh.js';
import type { SshSession } from '../ports/ssh.js';
import { basePreparer, type BaseImageSource } from './base-image-preparer.js';

// An SSH server as a deployment target: its Docker engine, its proxy and its probes all go
// through one pooled SSH connection; nothing but sshd and Docker is assumed on the server.
// Berth brings the rest: base images built there from what it carries, its Caddy pair as two
// labelled containers, images the control plane holds streamed across, the state root and lock.

export interface SshTargetWiring {
  ssh: ServerSsh;
  remoteState: RemoteStateRoots;
  /** The control plane's own engine: images it holds are carried to the server from it. */
  localEngine: DockerEngine;
  baseImages: BaseImageSource;
  lock: { waitSeconds: number; staleAfterSeconds: number };
  /** The server edge's HTTPS listener and ACME issuer (serverEdgeTls); absent: HTTP only. */
  tls?: RemoteEdgeTls;
}

export function sshTargetRuntime(server: Server, w: SshTargetWiring): TargetRuntime {
  const session = lazySession(w.ssh, server);
  const sftpFiles = async () => new SftpFiles(await session.sftp());
  const engine = createDockerEngine({
    ssh: { session, socketPath: server.dockerSocket ?? DEFAULT_REMOTE_DOCKER_SOCKET },
    // The server's routes, so Berth's networks there avoid its bridges, VPNs and other engines.
    hostRoutes: async () => routedSubnets((await (await sftpFiles()).read('/proc/net/route'))?.toString('utf8') ?? ''),
    hostStatfs: async (path) => {
      const { freeBytes, totalBytes, freeInodes, totalInodes } = await w.ssh.fsStats(session, path);
      return { freeBytes, totalBytes, freeInodes, totalInodes };
    },
  });
  const prepareBaseImages = basePreparer(engine, w.baseImages);
  const proxy = new RemoteCaddyProxy({
    engine,
    session,
    stateRoot: server.stateRoot,
    httpPort: server.httpPort,
    image: async () => {
      await prepareBaseImages(['static']);
      return BASE_IMAGES.static;
    },
    ...(w.tls ? { tls: w.tls } : {}),
  });
  const baseDomain = serverBaseDomain(server);
  return {
    provider: 'ssh-docker',
    engine,
    proxy,
    prober: proberThrough((host, port) => session.openTcp(host, port)),
    // Custom domains are checked as clients reach them: from here, at the server's address.
    ...(w.tls ? { httpsProber: httpProber } : {}),
    edgeHost: server.host!,
    ...(baseDomain ? { baseDomain } : {}),
    prepareBaseImages,
    lock: async (correlationId, signal) => (await w.remoteState.forServer(server)).acquire(correlationId, { ...w.lock, signal }),
    carryImage: (ref, signal) => w.localEngine.carryImageTo(engine, ref, signal),
  };
}

/**
 * The server's session, connected on first use (a target is made before anything is known to
 * work) and again after a failed connect; the session itself reconnects a dropped connection.
 */
function lazySession(ssh: ServerSsh, server: Server): Omit<SshSession, 'hostKey'> {
  let current: Promise<SshSession> | undefined;
  const get = () =>
    (current ??= ssh.connect(server).then(
      (s) => s.session,
      (err: unknown) => {
        current = undefined;
        throw err;
      },
    ));
  return {
    openUnixSocket: async (path) => (await get()).openUnixSocket(path),
    openTcp: async (host, port) => (await get()).openTcp(host, port),
    sftp: async () => (await get()).sftp(),
    exec: async (argv, opts) => (await get()).exec(argv, opts),
  };
}
