import type { SFTPWrapper, Stats } from 'ssh2';

// Promise forms of the few SFTP requests the state root needs, and the status codes it tells
// apart. OpenSSH's sftp-server maps EACCES/EPERM to PERMISSION_DENIED and ENOENT to
// NO_SUCH_FILE; ENOSPC, EROFS and EEXIST all arrive as the generic FAILURE, so those are told
// apart by looking (statvfs, stat) rather than by the code.

export const SFTP_STATUS = { NO_SUCH_FILE: 2, PERMISSION_DENIED: 3, FAILURE: 4, OP_UNSUPPORTED: 8 } as const;

export const statusOf = (err: unknown): number | null => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : null;
};

/** ssh2 refuses an OpenSSH extension locally when the server did not announce it. */
export const isUnsupported = (err: unknown): boolean => statusOf(err) === SFTP_STATUS.OP_UNSUPPORTED || /does not support/i.test(messageOf(err));

export const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export interface StatVfs {
  bsize: number;
  frsize: number;
  bavail: number;
  files: number;
  favail: number;
  flag: number;
}

/** statvfs(2)'s ST_RDONLY bit. */
export const ST_RDONLY = 1;

export class SftpFiles {
  constructor(private readonly sftp: SFTPWrapper) {}

  private call<T>(fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
  }

  /** The entry's attributes, or null when it does not exist. Follows no symlink beyond the server's own stat. */
  async stat(path: string): Promise<Stats | null> {
    try {
      return await this.call<Stats>((cb) => this.sftp.stat(path, cb));
    } catch (err) {
      if (statusOf(err) === SFTP_STATUS.NO_SUCH_FILE) return null;
      throw err;
    }
  }

  /** The file's bytes, or null when it does not exist. */
  async read(path: string): Promise<Buffer | null> {
    try {
      return await this.call<Buffer>((cb) => this.sftp.readFile(path, cb));
    } catch (err) {
      if (statusOf(err) === SFTP_STATUS.NO_SUCH_FILE) return null;
      throw err;
    }
  }

  readdir(path: string): Promise<string[]> {
    return this.call<{ filename: string }[]>((cb) => this.sftp.readdir(path, cb)).then((list) => list.map((e) => e.filename));
  }

  mkdir(path: string): Promise<void> {
    return this.call<void>((cb) => this.sftp.mkdir(path, { mode: 0o750 }, cb));
  }

  unlink(path: string): Promise<void> {
    return this.call<void>((cb) => this.sftp.unlink(path, cb));
  }

  /** Plain SFTP rename: fails when the destination exists (OpenSSH links, then unlinks). */
  rename(from: string, to: string): Promise<void> {
    return this.call<void>((cb) => this.sftp.rename(from, to, cb));
  }

  /** POSIX rename(2) (OpenSSH's posix-rename extension): replaces the destination atomically. */
  async posixRename(from: string, to: string): Promise<void> {
    try {
      await this.call<void>((cb) => this.sftp.ext_openssh_rename(from, to, cb));
    } catch (err) {
      if (!isUnsupported(err)) throw err;
      // A server without the extension: not atomic, readers may briefly find no file.
      await this.unlink(to).catch(() => undefined);
      await this.rename(from, to);
    }
  }

  /** link(2) (OpenSSH's hardlink extension): fails when the destination exists. */
  hardlink(from: string, to: string): Promise<void> {
    return this.call<void>((cb) => this.sftp.ext_openssh_hardlink(from, to, cb));
  }

  /** statvfs(2) of the filesystem holding path, or null when the server lacks the extension. */
  async statvfs(path: string): Promise<StatVfs | null> {
    try {
      const v = await this.call<Record<string, number | bigint>>((cb) => this.sftp.ext_openssh_statvfs(path, cb as never));
      const n = (k: string) => Number(v[k] ?? 0);
      return { bsize: n('f_bsize'), frsize: n('f_frsize'), bavail: n('f_bavail'), files: n('f_files'), favail: n('f_favail'), flag: n('f_flag') };
    } catch (err) {
      if (isUnsupported(err)) return null;
      throw err;
    }
  }

  /** Writes a whole file through one handle opened with `flags` ('wx': O_CREAT|O_EXCL; 'a': append). */
  async write(path: string, data: string | Buffer, flags: 'wx' | 'w' | 'a', mode = 0o640): Promise<void> {
    const handle = await this.call<Buffer>((cb) => this.sftp.open(path, flags, mode, cb));
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    try {
      let offset = 0;
      while (offset < buf.length) {
        const n = Math.min(32 * 1024, buf.length - offset);
        await this.call<void>((cb) => this.sftp.write(handle, buf, offset, n, offset, cb));
        offset += n;
      }
    } catch (err) {
      await this.call<void>((cb) => this.sftp.close(handle, cb)).catch(() => undefined);
      throw err;
    }
    // A close that fails (a deferred write error) fails the write.
    await this.call<void>((cb) => this.sftp.close(handle, cb));
  }
}
