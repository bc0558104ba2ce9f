import { spawn } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../../core/errors/berth-error.js';
import { sleep } from '../../core/time/delay.js';
import { processAlive } from '../../platform/process-alive.js';
import { CaddyAdmin } from './admin-client.js';

// One Caddy process managed by Berth: started detached (it outlives the control plane), found
// again through its pid file and admin socket, so a restarted control plane adopts it instead of
// starting a duplicate.

export interface CaddyProcessOptions {
  /** <home>/proxy */
  dir: string;
  name: 'edge' | 'switch';
  caddyBin: string;
  startTimeoutMs: number;
}


// sun_path is 108 bytes on Linux; a longer socket path fails inside Caddy with a vague error.
const MAX_SOCKET_PATH = 107;

export class CaddyProcess {
  readonly admin: CaddyAdmin;
  readonly configFile: string;
  readonly pidFile: string;
  readonly logFile: string;

  constructor(private readonly opts: CaddyProcessOptions) {
    this.admin = new CaddyAdmin(join(opts.dir, `${opts.name}-admin.sock`));
    this.configFile = join(opts.dir, `${opts.name}.json`);
    this.pidFile = join(opts.dir, `${opts.name}.pid`);
    this.logFile = join(opts.dir, `${opts.name}.log`);
  }

  /** The pid of this instance's Caddy when it is alive (and really ours: pids get reused). */
  pid(): number | undefined {
    let pid: number;
    try {
      pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    } catch {
      return undefined;
    }
    if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return undefined;
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv.includes(this.configFile) ? pid : undefined;
    } catch {
      return pid; // no procfs: trust the pid file
    }
  }

  /** Adopts the running instance, or starts it with `config`; 'started' means a fresh process. */
  async ensure(config: () => Record<string, unknown>): Promise<'adopted' | 'started'> {
    if (await this.admin.answers()) return 'adopted';
    const pid = this.pid();
    if (pid !== undefined) {
      // Alive but silent: still starting (another control plane spawned it), or hung.
      if (await this.waitAnswering(this.opts.startTimeoutMs, () => processAlive(pid))) return 'adopted';
      await this.kill(pid);
    }
    await this.start(config());
    return 'started';
  }

  private async start(config: Record<string, unknown>): Promise<void> {
    const { dir, name, caddyBin } = this.opts;
    if (this.admin.socketPath.length > MAX_SOCKET_PATH) throw this.unavailable('admin socket path too long');
    const xdg = join(dir, name);
    mkdirSync(join(xdg, 'data'), { recursive: true, mode: 0o700 });
    mkdirSync(join(xdg, 'config'), { recursive: true, mode: 0o700 });
    rmSync(this.admin.socketPath, { force: true }); // left behind by a killed Caddy
    writeFileSync(this.configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
    this.rotateLog();
    const log = openSync(this.logFile, 'a', 0o600);
    let exited: string | undefined;
    try {
      const child = spawn(caddyBin, ['run', '--config', this.configFile], {
        cwd: dir,
        detached: true, // own session: a Ctrl-C or exit of the control plane does not reach it
        stdio: ['ignore', log, log],
        env: { ...process.env, XDG_DATA_HOME: join(xdg, 'data'), XDG_CONFIG_HOME: join(xdg, 'config') },
      });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', (err) => {
          const code = (err as NodeJS.ErrnoException).code;
          reject(this.unavailable(code === 'ENOENT' ? 'caddy binary not found' : `cannot run caddy: ${code ?? err.name}`));
        });
      });
      child.once('exit', (code, signal) => (exited = `caddy exited (${signal ?? `code ${code}`})`));
      child.unref();
      writeFileSync(this.pidFile, String(child.pid), { mode: 0o600 });
    } finally {
      closeSync(log);
    }
    if (await this.waitAnswering(this.opts.startTimeoutMs, () => exited === undefined)) return;
    const pid = this.pid();
    if (pid !== undefined) await this.kill(pid);
    throw this.unavailable(exited ? `${exited}: ${this.lastLogLine()}` : 'caddy did not answer in time');
  }

  private async waitAnswering(timeoutMs: number, alive: () => boolean): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && alive()) {
      if (await this.admin.answers(500)) return true;
      await sleep(25);
    }
    return false;
  }

  /** Stops Caddy (gracefully through the admin API, then by signal) and forgets it. */
  async stop(): Promise<void> {
    const pid = this.pid();
    try {
      await this.admin.call('POST', '/stop', undefined, 2_000);
    } catch {
      // not answering: the signal below does it
    }
    if (pid !== undefined) await this.kill(pid, 'SIGTERM');
    rmSync(this.pidFile, { force: true });
  }

  private async kill(pid: number, first: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(pid, s);
      } catch {
        // already gone
      }
    };
    signal(first);
    for (let i = 0; i < 100 && processAlive(pid); i++) {
      if (i === 60) signal('SIGKILL');
      await sleep(50);
    }
  }

  // Caddy's stderr goes to one file per instance, kept to two generations of ~1 MB.
  private rotateLog(): void {
    try {
      if (statSync(this.logFile).size > 1_000_000) renameSync(this.logFile, `${this.logFile}.1`);
    } catch {
      // no log yet
    }
  }

  /** Caddy's last words (e.g. "bind: address already in use"), for the error's reason. */
  private lastLogLine(): string {
    try {
      const fd = openSync(this.logFile, 'r');
      try {
        const size = fstatSync(fd).size;
        const buf = Buffer.alloc(Math.min(size, 4096));
        readSync(fd, buf, 0, buf.length, size - buf.length);
        const lines = buf.toString('utf8').trimEnd().split('\n');
        return (lines[lines.length - 1] ?? '').slice(0, 300);
      } finally {
        closeSync(fd);
      }
    } catch {
      return '';
    }
  }

  unavailable(reason: string): BerthError {
    return new BerthError('proxy_unavailable', `The ${this.opts.name} proxy (Caddy) is not available.`, { adminUrl: this.admin.adminUrl, reason });
  }
}
