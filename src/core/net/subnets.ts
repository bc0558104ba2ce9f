// IPv4 subnets as Berth picks them for its networks: a candidate must not overlap anything the
// engine's host already routes (its other bridges, a VPN, a second engine on the same host),
// because two bridges with one subnet make the host route to whichever came first.

/** CIDRs routed on a Linux host, from the text of its /proc/net/route (little-endian hex). */
export function routedSubnets(procNetRoute: string): string[] {
  const out: string[] = [];
  for (const line of procNetRoute.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 8) continue;
    const dest = hexToIp(cols[1]!);
    const bits = maskBits(cols[7]!);
    // The default route (0.0.0.0/0) overlaps everything and says nothing about local bridges.
    if (dest === undefined || bits === undefined || bits === 0) continue;
    out.push(`${dest}/${bits}`);
  }
  return out;
}

/** True when the two CIDRs share any address. */
export function overlaps(a: string, b: string): boolean {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return false;
  const bits = Math.min(x.bits, y.bits);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((x.addr & mask) >>> 0) === ((y.addr & mask) >>> 0);
}

function parse(cidr: string): { addr: number; bits: number } | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  return { addr: ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0, bits };
}

function hexToIp(hex: string): string | undefined {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return undefined;
  const n = parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255].join('.');
}

function maskBits(hex: string): number | undefined {
  if (!/^[0-9A-Fa-f]{8}$/.test(hex)) return undefined;
  const n = parseInt(hex, 16);
  let bits = 0;
  for (let v = n; v & 1; v >>>= 1) bits++;
  return bits;
}
