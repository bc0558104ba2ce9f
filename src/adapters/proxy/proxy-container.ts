import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { BerthError } from '../../core/errors/berth-error.js';
import { LABELS } from '../../core/ownership/labels.js';
import { sleep } from '../../core/time/delay.js';
import { engineCall, safeReason } from '../docker/errors.js';
import { logsTail } from '../docker/logs.js';
import type { CaddyAdmin } from './admin-client.js';

// One Caddy of a server's proxy (edge or switch) as a long-lived container on the server's
// engine: host network (the switch dials container IPs as a local switch does), restarted by
// dockerd (unless-stopped, so a dockerd restart or a reboot brings it back with no control plane),
// its proxy directory bind-mounted at the same path, so the sockets Caddy creates have one path
// for Caddy and for the SSH stream-local forward. Found again by name and adopted; recreated when
// what it was created from (image, command, base config) differs.

export const PROXY_LABELS = {
  role: 'dev.berth.proxy-role',
  stateRoot: 'dev.berth.proxy-state-root',
  /** Hash of what the container was created from: a different one means recreate. */
  spec: 'dev.berth.proxy-spec',
} as const;

export interface ProxyContainerOptions {
  docker: Docker;
  role: 'edge' | 'switch';
  /** Container name (unique per state root on the server). */
  name: string;
  stateRoot: string;
  /** <stateRoot>/proxy, mounted at the same path. */
  dir: string;
  admin: CaddyAdmin;
  startTimeoutMs: number;
  /** Seconds dockerd waits after SIGTERM (Caddy waits for in-flight requests up to its grace period). */
  stopTimeoutSeconds: number;
}

export interface ContainerWanted {
  imageId: string;
  configFile: string;
  /** Sockets a killed Caddy may leave behind; removed before it starts (Caddy does not). */
  sockets: string[];
  /** The config's parts that only a recreate changes (the switch's routes are not among them). */
  baseConfig: unknown;
}

// umask 0: Caddy runs as root and its sockets must accept the SSH user (the proxy directory is
// 0700 and owned by that user, which is what keeps others out). A fixed script; paths are arguments.
const START = 'umask 0 && config="$1" && shift && rm -f -- "$@" && exec caddy run --config "$config"';

type Info = Docker.ContainerInspectInfo;

export class ProxyContainer {
  constructor(readonly opts: ProxyContainerOptions) {}

  get name(): string {
    return this.opts.name;
  }

  /** The container as the engine sees it, or undefined when it does not exist. */
  inspect(): Promise<Info | undefined> {
    return engineCall('inspect', () => this.opts.docker.getContainer(this.opts.name).inspect(), gone);
  }

  /** The server-side pid of its Caddy while it runs. */
  async pid(): Promise<number | undefined> {
    const info = await this.inspect();
    return info && running(info) && info.State.Pid > 0 ? info.State.Pid : undefined;
  }

  /** Adopts the running container, or (re)creates and starts it; 'started' means a fresh Caddy. */
  async ensure(wanted: ContainerWanted): Promise<'adopted' | 'started'> {
    const spec = this.specOf(wanted);
    let info = await this.inspect();
    if (info && (info.Config.Labels?.[PROXY_LABELS.spec] !== spec || info.Image !== wanted.imageId)) {
      await this.remove();
      info = undefined;
    }
    if (info && running(info)) {
      // Running but not answering yet: just started by another control plane, or wedged.
      if ((await this.untilAnswering(info)) === undefined) return 'adopted';
    }
    // Stopped, crash-looping or wedged: a fresh container, whose own failure is then seen.
    if (info) await this.remove();
    const created = await this.create(wanted, spec);
    if (!created) {
      // Another control plane created it between our look and our create: adopt theirs.
      const theirs = await this.inspect();
      if (theirs && running(theirs) && (await this.untilAnswering(theirs)) === undefined) return 'adopted';
      throw this.unavailable('container created concurrently and not answering');
    }
    await engineCall('start', () => this.opts.docker.getContainer(this.opts.name).start());
    const started = await this.inspect();
    const failure = started ? await this.untilAnswering(started) : 'container vanished after start';
    if (failure !== undefined) {
      // Not left restarting in a loop: the next ensure starts it again.
      await this.stop().catch(() => undefined);
      throw this.unavailable(failure);
    }
    return 'started';
  }

  /** Stops the container (it stays, and stays stopped across a dockerd restart); returns the pid that ran. */
  async stop(): Promise<number | undefined> {
    const pid = await this.pid();
    await engineCall('stop', () => this.opts.docker.getContainer(this.opts.name).stop({ t: this.opts.stopTimeoutSeconds }), done);
    return pid;
  }

  async remove(): Promise<void> {
    await engineCall('remove', () => this.opts.docker.getContainer(this.opts.name).remove({ force: true }), gone);
  }

  unavailable(reason: string): BerthError {
    return new BerthError('proxy_unavailable', `The ${this.opts.role} proxy (Caddy) is not available.`, { adminUrl: this.opts.admin.adminUrl, reason });
  }

  /** Waits until the admin API answers; undefined then, or why it will not (from its state and logs). */
  private async untilAnswering(info: Info): Promise<string | undefined> {
    const deadline = Date.now() + this.opts.startTimeoutMs;
    const restarts = info.RestartCount ?? 0;
    for (;;) {
      if (await this.opts.admin.answers(1_000)) return undefined;
      const now = await this.inspect();
      if (!now) return 'container vanished';
      if (!running(now) || (now.RestartCount ?? 0) !== restarts) return this.exitReason(now);
      if (Date.now() > deadline) return `admin API did not answer within ${this.opts.startTimeoutMs} ms`;
      await sleep(100);
    }
  }

  /** Caddy prints one `Error: ...` line when it gives up (a port taken, a config refused). */
  private async exitReason(info: Info): Promise<string> {
    const logs = await logsTail(this.opts.docker, info.Id, 30).catch(() => '');
    const line = logs.split('\n').reverse().find((l) => l.startsWith('Error:'));
    const code = info.State.Restarting || !info.State.Running ? ` (code ${info.State.ExitCode})` : '';
    return `caddy exited${code}${line ? `: ${safeReason(line.slice('Error:'.length)).slice(0, 300)}` : ''}`;
  }

  private specOf(wanted: ContainerWanted): string {
    const { dir } = this.opts;
    const text = JSON.stringify({ v: 1, image: wanted.imageId, start: START, config: wanted.configFile, sockets: wanted.sockets, dir, base: wanted.baseConfig });
    return createHash('sha256').update(text).digest('hex').slice(0, 16);
  }

  /** false when the name is taken (409). */
  private async create(wanted: ContainerWanted, spec: string): Promise<boolean> {
    const { docker, name, dir, role, stateRoot } = this.opts;
    const body: Docker.ContainerCreateOptions = {
      name,
      Image: wanted.imageId,
      User: '0:0',
      Entrypoint: ['/bin/sh', '-c'],
      Cmd: [START, `berth-${role}`, wanted.configFile, ...wanted.sockets],
      Labels: { [LABELS.managed]: 'true', [PROXY_LABELS.role]: role, [PROXY_LABELS.stateRoot]: stateRoot, [PROXY_LABELS.spec]: spec },
      HostConfig: {
        NetworkMode: 'host',
        RestartPolicy: { Name: 'unless-stopped' },
        Binds: [`${dir}:${dir}`],
        // A long-lived container: its log must not grow without bound.
        LogConfig: { Type: 'json-file', Config: { 'max-size': '5m', 'max-file': '2' } },
      },
    };
    return engineCall(
      'create',
      async () => {
        await docker.createContainer(body);
        return true;
      },
      (r) => (r.statusCode === 409 ? { value: false } : undefined),
    );
  }
}

const running = (info: Info): boolean => info.State.Running && !info.State.Restarting;
const gone = (r: { statusCode: number | undefined }) => (r.statusCode === 404 ? { value: undefined } : undefined);
const done = (r: { statusCode: number | undefined }) => (r.statusCode === 304 || r.statusCode === 404 ? { value: undefined } : undefined);
