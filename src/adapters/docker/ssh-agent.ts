import type Docker from 'dockerode';
import { Dockerode } from './dockerode.js';
import { Agent, type AgentOptions } from 'node:http';
import { inspect } from 'node:util';
import type { Duplex } from 'node:stream';
import type { SshSession } from '../../ports/ssh.js';
import { DOCKER_ENV_KEYS } from './engine.js';

// The Docker Engine API of a server, reached through its SSH connection: every HTTP request of
// dockerode (docker-modem accepts an http.Agent) runs on a stream that sshd forwards to the
// engine's unix socket on the server. Hijacked requests (attach with stdin) upgrade on that same
// stream, and request bodies (build contexts, image loads) stream through it as they are read.

export const DEFAULT_REMOTE_DOCKER_SOCKET = '/var/run/docker.sock';

type Callback = (err: Error | null, socket?: Duplex) => void;

/**
 * An http.Agent whose connections are streams opened by `open` (SSH channels). Not kept alive:
 * a channel costs one round trip on the existing connection, and an idle kept-alive channel of a
 * connection that just dropped would be handed to the next request before the drop is seen
 * (measured: the first request after a drop failed); a fresh channel is opened on a fresh
 * connection instead.
 */
export class ForwardedSocketAgent extends Agent {
  constructor(
    /** Opens the stream of one connection; given the request's destination (host, port). */
    private readonly open: (to: { host: string; port: number }) => Promise<Duplex>,
    opts: AgentOptions = {},
  ) {
    super({ keepAlive: false, ...opts });
  }

  // docker-modem inspects every request's options in full (showHidden, no depth limit) even with
  // its debug output off; through this agent that walked the live SSH connection's whole state,
  // seconds of CPU per request on the control plane's only thread (measured: status reads of
  // 10-40 s during a remote deploy).
  [inspect.custom](): string {
    return 'ForwardedSocketAgent';
  }

  // Node's Agent takes the socket from the callback when createConnection returns nothing.
  override createConnection(options: { host?: string | null; port?: number | string | null }, callback: Callback): undefined {
    this.open({ host: options.host ?? 'localhost', port: Number(options.port ?? 80) }).then(
      (stream) => callback(null, socketLike(stream)),
      (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
    );
    return undefined;
  }
}

/**
 * http's client and Agent call a few net.Socket methods (keep-alive, timeouts, ref counting); an
 * SSH channel is a plain Duplex. Timeouts are real (idle timers), the rest have no meaning here.
 */
function socketLike(stream: Duplex): Duplex {
  const s = stream as Duplex & Record<string, unknown>;
  // An idle timer re-armed by every chunk; AbortSignal.timeout keeps timers out of adapters.
  let idleMs = 0;
  let armed = 0;
  const arm = () => {
    const mine = ++armed;
    if (idleMs > 0) AbortSignal.timeout(idleMs).addEventListener('abort', () => mine === armed && !s.destroyed && s.emit('timeout'), { once: true });
  };
  s.setTimeout ??= (ms: number, cb?: () => void) => {
    idleMs = ms;
    if (cb) s.once('timeout', cb);
    arm();
    return s;
  };
  s.on('data', () => idleMs && arm());
  s.once('close', () => (idleMs = 0, ++armed));
  s.setNoDelay ??= () => s;
  s.setKeepAlive ??= () => s;
  s.ref ??= () => s;
  s.unref ??= () => s;
  return s;
}

/**
 * A dockerode client whose requests all go through the session. docker-modem reads DOCKER_HOST
 * and DOCKER_CERT_PATH from process.env in its constructor; they name the local engine, not this
 * one, so they are hidden during that synchronous call.
 */
export function dockerOverSsh(session: Pick<SshSession, 'openUnixSocket'>, socketPath: string = DEFAULT_REMOTE_DOCKER_SOCKET): Docker {
  const agent = new ForwardedSocketAgent(() => session.openUnixSocket(socketPath));
  const saved = DOCKER_ENV_KEYS.map((k) => [k, process.env[k]] as const);
  try {
    for (const k of DOCKER_ENV_KEYS) delete process.env[k];
    // The host name only fills the Host header; the agent decides where bytes go.
    return new Dockerode({ protocol: 'http', host: 'docker', port: 80, agent } as Docker.DockerOptions);
  } finally {
    for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
  }
}
