import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { listeningSockets } from '../../platform/proc-net-tcp.js';

// Who listens on a TCP port of this machine. Caddy binds its listeners with SO_REUSEPORT, so a
// second Caddy (another Berth home's edge, say) binds the same port without an error and the
// kernel splits connections between the two: the edge proves it is alone from the kernel's
// socket tables (/proc/net/tcp and tcp6, this network namespace), not from the bind succeeding.

export interface PortListener {
  /** The kernel's socket inode. */
  inode: number;
  /** The owning process, when /proc shows it (another user's processes may be hidden). */
  pid?: number;
  /** Its process name (/proc/<pid>/comm: never the arguments, which may hold secrets). */
  command?: string;
  /** Its full command line, for Berth's own judgement (never put in an error). */
  argv?: string[];
}

/** Inodes of the LISTEN sockets on `port` in the text of /proc/net/tcp or tcp6. */
export function listeningInodes(text: string, port: number): number[] {
  return listeningSockets(text)
    .filter((s) => s.port === port && Number.isInteger(s.inode) && s.inode > 0)
    .map((s) => s.inode);
}

const readOr = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** Socket inodes a process holds open; empty when its fds cannot be read. */
export function socketInodesOf(pid: number, procRoot = '/proc'): Set<number> {
  const inodes = new Set<number>();
  let fds: string[];
  try {
    fds = readdirSync(`${procRoot}/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${procRoot}/${pid}/fd/${fd}`));
      if (m) inodes.add(Number(m[1]));
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/**
 * Every LISTEN socket on `port` (any address, IPv4 and IPv6), with its process when visible;
 * undefined when /proc has no socket tables (not Linux). `knownPids` are looked at first, so
 * confirming that only they listen costs no scan of every process.
 */
export function listenersOn(port: number, knownPids: number[] = [], procRoot = '/proc'): PortListener[] | undefined {
  const tcp = readOr(`${procRoot}/net/tcp`);
  const tcp6 = readOr(`${procRoot}/net/tcp6`);
  if (tcp === undefined && tcp6 === undefined) return undefined;
  const wanted = new Set([...listeningInodes(tcp ?? '', port), ...listeningInodes(tcp6 ?? '', port)]);
  const found = new Map<number, PortListener>();
  const claim = (pid: number) => {
    for (const inode of socketInodesOf(pid, procRoot)) {
      if (wanted.has(inode) && !found.has(inode)) found.set(inode, { inode, ...processOf(pid, procRoot) });
    }
  };
  for (const pid of knownPids) claim(pid);
  if (found.size < wanted.size) {
    let pids: string[] = [];
    try {
      pids = readdirSync(procRoot).filter((d) => /^\d+$/.test(d));
    } catch {
      // no process list: the holders stay unnamed
    }
    for (const pid of pids) {
      if (found.size === wanted.size) break;
      claim(Number(pid));
    }
  }
  return [...wanted].map((inode) => found.get(inode) ?? { inode });
}

function processOf(pid: number, procRoot: string): Pick<PortListener, 'pid' | 'command' | 'argv'> {
  const command = readOr(`${procRoot}/${pid}/comm`)?.trim();
  const argv = readOr(`${procRoot}/${pid}/cmdline`)?.split('\0').filter(Boolean);
  return { pid, ...(command ? { command } : {}), ...(argv ? { argv } : {}) };
}

/**
 * Without /proc: whether a plain bind (no SO_REUSEPORT) of `port` on every address succeeds.
 * It fails while anything listens there, a SO_REUSEPORT listener included.
 */
export function portBindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** How an error names the other holders of a port: "pid 123 (node)", or what is known. */
export function describeListeners(listeners: PortListener[]): string {
  return listeners.map((l) => (l.pid ? `pid ${l.pid} (${l.command ?? 'unknown'})` : 'a process this user cannot see')).join(', ');
}

/** What a listener on the edge port is, as `berth doctor` reports it. */
export type ListenerKind = 'this-edge' | 'berth-edge' | 'orphaned-berth-edge' | 'foreign';

export interface ClassifiedListener {
  pid: number | null;
  command: string | null;
  kind: ListenerKind;
  /** The Berth home of another Berth edge (its config names it). */
  home?: string;
}

const EDGE_CONFIG = /^(.*)\/proxy\/edge\.json$/;

/**
 * Sorts listeners into this home's edge, another Berth home's edge (orphaned when its home or
 * config is gone, so no control plane will ever stop it), and foreign processes.
 */
export function classifyListeners(listeners: PortListener[], ownPid: number | undefined, exists: (path: string) => boolean): ClassifiedListener[] {
  return listeners.map((l) => {
    const base = { pid: l.pid ?? null, command: l.command ?? null };
    if (l.pid !== undefined && l.pid === ownPid) return { ...base, kind: 'this-edge' };
    const argv = l.argv ?? [];
    const config = argv[argv.indexOf('--config') + 1];
    const home = argv.indexOf('--config') > 0 && argv.includes('run') && config ? EDGE_CONFIG.exec(config)?.[1] : undefined;
    if (home === undefined) return { ...base, kind: 'foreign' };
    return { ...base, kind: exists(config!) ? 'berth-edge' : 'orphaned-berth-edge', home };
  });
}
