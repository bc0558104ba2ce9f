import type { ComposePort, Protocol } from './model.js';

// Compose port grammar: `[HOST_IP:][HOST[-HOST]:]CONTAINER[-CONTAINER][/PROTOCOL]`, a bare
// number, or the long form. Ranges expand to one mapping per port (bounded, so a typo such as
// "1-65535" cannot make a huge plan). Each function returns undefined for text it rejects.

const MAX_RANGE = 1000;

export interface LongPort {
  target: number;
  published?: string | number;
  host_ip?: string;
  protocol?: Protocol;
}

export function parsePortEntry(entry: string | number | LongPort): ComposePort[] | undefined {
  if (typeof entry === 'number') return validPort(entry) ? [{ container: entry, protocol: 'tcp' }] : undefined;
  if (typeof entry === 'object') return parseLong(entry);
  return parseShort(entry.trim());
}

function parseLong(entry: LongPort): ComposePort[] | undefined {
  const protocol = entry.protocol ?? 'tcp';
  const ip = entry.host_ip ? { hostIp: entry.host_ip } : {};
  if (entry.published === undefined || entry.published === '') return [{ container: entry.target, protocol, ...ip }];
  const hosts = parseRange(String(entry.published));
  if (!hosts || hosts.length !== 1) return undefined;
  return [{ host: hosts[0], container: entry.target, protocol, ...ip }];
}

function parseShort(text: string): ComposePort[] | undefined {
  let protocol: Protocol = 'tcp';
  const slash = text.lastIndexOf('/');
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (p !== 'tcp' && p !== 'udp') return undefined;
    protocol = p;
    text = text.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']:');
    if (close < 0) return undefined;
    hostIp = text.slice(1, close);
    text = text.slice(close + 2);
  }
  const parts = text.split(':');
  if (parts.length === 3 && hostIp === undefined) hostIp = parts.shift();
  if (parts.length > 2 || parts.length === 0) return undefined;
  const containerText = parts.pop() ?? '';
  const hostText = parts.pop();
  const containers = parseRange(containerText);
  if (!containers) return undefined;
  const ip = hostIp ? { hostIp } : {};
  if (hostText === undefined || hostText === '') return containers.map((container) => ({ container, protocol, ...ip }));
  const hosts = parseRange(hostText);
  if (!hosts || hosts.length !== containers.length) return undefined;
  return containers.map((container, i) => ({ host: hosts[i], container, protocol, ...ip }));
}

/** "3000", "3000/tcp", "3000-3005", 3000 -> container ports. */
export function parseExposeEntry(entry: string | number): number[] | undefined {
  if (typeof entry === 'number') return validPort(entry) ? [entry] : undefined;
  const m = /^([\d-]+)(?:\/(tcp|udp))?$/.exec(entry.trim());
  return m ? parseRange(m[1] ?? '') : undefined;
}

function parseRange(text: string): number[] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (!validPort(from) || !validPort(to) || to < from || to - from >= MAX_RANGE) return undefined;
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function validPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}
