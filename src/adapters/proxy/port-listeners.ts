import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';
import { listenHost, WILDCARDS } from '../../core/access/listen-host.js';
import { listeningSockets } from '../../platform/proc-net-tcp.js';

// Who listens on a TCP port of this machine. Caddy binds its listeners with SO_REUSEPORT, so a
// second Caddy (another Berth home's edge, say) binds the same port without an error and the
// kernel splits connections between the two: the edge proves it is alone from the kernel's
// socket tables (/proc/net/tcp and tcp6, this network namespace), not from the bind succeeding.

/** Where a listener binds: a port on one host address, or on every address when `host` is absent. */
export interface ListenAddress {
  host?: string;
  port: number;
}

/** A Caddy listen address (`:443`, `127.0.0.5:443`, `[::1]:443`) whose port is `port`, as a ListenAddress. */
export function listenAddress(listen: string, port: number): ListenAddress {
  const host = listenHost(listen);
  return host === '' ? { port } : { host, port };
}

/** How a message names a listen address: `:443`, `127.0.0.5:443`, `[::1]:443`. */
export function describeAddress(at: ListenAddress): string {
  return `${at.host === undefined ? '' : net.isIPv6(at.host) ? `[${at.host}]` : at.host}:${at.port}`;
}

/**
 * Which bound addresses (as /proc/net/tcp{,6} write them, hex) take a bind of `host` away: the
 * host itself (IPv4-mapped too) and the wildcards. Every address for no host, a wildcard, or a
 * name (what it resolves to is not known here, so every listener on the port is counted).
 */
function collidesWith(host: string | undefined): (hexAddress: string) => boolean {
  const family = host === undefined ? 0 : net.isIP(host);
  if (family === 0 || WILDCARDS.has(host!)) return () => true;
  const taken = new net.BlockList();
  taken.addAddress(host!, family === 4 ? 'ipv4' : 'ipv6');
  taken.addAddress('::', 'ipv6');
  if (family === 4) taken.addAddress('0.0.0.0', 'ipv4');
  return (hex) => {
    const address = fromProcHex(hex);
    return address !== undefined && taken.check(address, net.isIPv4(address) ? 'ipv4' : 'ipv6');
  };
}

/** An address of the socket tables as text: each 32-bit word is in host byte order (little-endian here). */
function fromProcHex(hex: string): string | undefined {
  if (!/^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32})$/.test(hex)) return undefined;
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => [6, 4, 2, 0].map((i) => parseInt(word.slice(i, i + 2), 16)));
  if (bytes.length === 4) return bytes.join('.');
  return Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16)).join(':');
}

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

/**
 * Inodes of the LISTEN sockets in the text of /proc/net/tcp or tcp6 that a bind of `host` and
 * `port` collides with (every address of the port when `host` is absent).
 */
export function listeningInodes(text: string, port: number, host?: string): number[] {
  const collides = collidesWith(host);
  return listeningSockets(text)
    .filter((s) => s.port === port && Number.isInteger(s.inode) && s.inode > 0 && collides(s.address))
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
 * Every LISTEN socket (IPv4 and IPv6) that a bind of `at` collides with (a bare port: any
 * address), with its process when visible; undefined when /proc has no socket tables (not
 * Linux). `knownPids` are looked at first, so confirming that only they listen costs no scan of
 * every process.
 */
export function listenersOn(at: number | ListenAddress, knownPids: number[] = [], procRoot = '/proc'): PortListener[] | undefined {
  const { port, host } = typeof at === 'number' ? { port: at, host: undefined } : at;
  const tcp = readOr(`${procRoot}/net/tcp`);
  const tcp6 = readOr(`${procRoot}/net/tcp6`);
  if (tcp === undefined && tcp6 === undefined) return undefined;
  const wanted = new Set([...listeningInodes(tcp ?? '', port, host), ...listeningInodes(tcp6 ?? '', port, host)]);
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
 * Without /proc: whether a plain bind (no SO_REUSEPORT) of `at` (a bare port: every address)
 * succeeds. It fails while anything listens there, a SO_REUSEPORT listener included.
 */
export function portBindable(at: number | ListenAddress): Promise<boolean> {
  const { port, host } = typeof at === 'number' ? { port: at, host: undefined } : at;
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, ...(host === undefined ? {} : { host }), exclusive: true }, () => probe.close(() => resolve(true)));
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
