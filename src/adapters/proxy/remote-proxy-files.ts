import { randomBytes } from 'node:crypto';
import type { SFTPWrapper } from 'ssh2';
import { listeningInodes } from './port-listeners.js';
import { parseRoutesFile, routesFileText, withoutRoute, withRoute } from './route-file.js';
import { SftpFiles } from '../remote-state/sftp-files.js';
import type { RouteSpec } from '../../ports/edge-proxy.js';
import type { DesiredRoutes } from './switch-routes.js';

// The server-side files of a remote proxy, over SFTP: <stateRoot>/proxy holds the desired
// routes and both Caddy configs (what the containers load when dockerd or the server restarts,
// with no control plane around), a private ACME CA's root when there is one, and the admin and
// switch sockets. Every write is atomic
// (a temporary file renamed over the old one), so a reader never finds half a file.

export class RemoteProxyFiles {
  readonly routesFile: string;

  constructor(
    private readonly sftp: () => Promise<SFTPWrapper>,
    readonly dir: string,
  ) {
    this.routesFile = `${dir}/routes.json`;
  }

  private async files(): Promise<SftpFiles> {
    return new SftpFiles(await this.sftp());
  }

  /** The proxy directory, 0700: only the SSH user (and root in the containers) reaches the sockets. */
  async prepare(): Promise<void> {
    const sftp = await this.sftp();
    const files = new SftpFiles(sftp);
    if (!(await files.stat(this.dir))) {
      await files.mkdir(this.dir).catch(async (err: unknown) => {
        if (!(await files.stat(this.dir))) throw err; // made meanwhile by another control plane: fine
      });
    }
    await new Promise<void>((resolve, reject) => sftp.chmod(this.dir, 0o700, (err) => (err ? reject(err) : resolve())));
  }

  /** The desired routes; throws when the file exists but cannot be understood. */
  async readRoutes(): Promise<RouteSpec[]> {
    const bytes = await (await this.files()).read(this.routesFile);
    return bytes === null ? [] : parseRoutesFile(bytes.toString('utf8'));
  }

  async writeRoutes(routes: RouteSpec[]): Promise<void> {
    await this.write(this.routesFile, routesFileText(routes));
  }

  /** Writes `<name>.json` when its content differs; returns its path. */
  async writeConfig(name: string, config: Record<string, unknown>): Promise<string> {
    return this.writeFile(`${name}.json`, `${JSON.stringify(config, null, 2)}\n`);
  }

  /** Writes `<dir>/<name>` when its content differs; returns its path. */
  async writeFile(name: string, text: string): Promise<string> {
    const file = `${this.dir}/${name}`;
    const current = await (await this.files()).read(file);
    if (current?.toString('utf8') !== text) await this.write(file, text);
    return file;
  }

  /**
   * The desired routes, each change followed by `onChange` (the switch's config file is rewritten
   * from them, so a restarted switch loads the same routes).
   */
  desired(onChange: (routes: RouteSpec[]) => Promise<void>): DesiredRoutes {
    return {
      upsert: async (route) => {
        const { routes, previous } = withRoute(await this.readRoutes(), route);
        await this.writeRoutes(routes);
        await onChange(routes);
        return previous;
      },
      remove: async (id) => {
        const { routes, previous } = withoutRoute(await this.readRoutes(), id);
        if (previous) {
          await this.writeRoutes(routes);
          await onChange(routes);
        }
        return previous;
      },
    };
  }

  /**
   * LISTEN sockets a bind of `port` (on `host`, or on every address) collides with in the server's
   * socket tables (its network namespace is the one host-network containers share), or undefined
   * when it has no /proc to read.
   */
  async listenersOn(port: number, host?: string): Promise<number[] | undefined> {
    const files = await this.files();
    const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((f) => files.read(f).catch(() => null)));
    if (tables.every((t) => t === null)) return undefined;
    return tables.flatMap((t) => (t ? listeningInodes(t.toString('utf8'), port, host) : []));
  }

  private async write(file: string, text: string): Promise<void> {
    const files = await this.files();
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await files.write(tmp, text, 'w', 0o600);
      await files.posixRename(tmp, file);
    } catch (err) {
      await files.unlink(tmp).catch(() => undefined);
      throw err;
    }
  }
}

