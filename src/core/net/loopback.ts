// Whether a listen address is reachable only from this machine: the rule for when the control
// plane may serve plain HTTP (docs/architecture.md, "Where each rule lives").

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The 8 groups of an IPv6 address, or undefined when it is not one (an embedded IPv4 tail counts as 2). */
function ipv6Groups(text: string): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      const v4 = IPV4.exec(g);
      if (v4) out.push((Number(v4[1]) << 8) | Number(v4[2]), (Number(v4[3]) << 8) | Number(v4[4]));
      else if (/^[0-9a-f]{1,4}$/.test(g)) out.push(parseInt(g, 16));
      else return undefined;
    }
    return out;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const fill = 8 - head.length - tail.length;
  return fill >= 1 ? [...head, ...Array<number>(fill).fill(0), ...tail] : undefined;
}

/**
 * True for 127.0.0.0/8, ::1, 127.x mapped into IPv6 (::ffff:127.0.0.1) and `localhost` (and its
 * subdomains, which resolve to loopback). Any other name counts as beyond loopback: what it
 * resolves to is not known here. The wildcards 0.0.0.0 and :: listen on every interface.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v4 = IPV4.exec(h);
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) && v4[1] === '127';
  const g = ipv6Groups(h);
  if (!g) return false;
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return true;
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  return mapped && g[6]! >> 8 === 127;
}
