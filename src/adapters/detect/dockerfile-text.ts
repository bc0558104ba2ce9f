// The one thing Berth reads from a user's Dockerfile: the port it EXPOSEs.

/**
 * The first port of the last EXPOSE instruction, resolving `$VAR` / `${VAR}` from earlier
 * ARG/ENV defaults; undefined when there is none or it cannot be resolved statically.
 */
export function lastExposedPort(text: string): number | undefined {
  const vars = new Map<string, string>();
  let port: number | undefined;
  const instructions = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (const line of instructions) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const kw = keyword.toUpperCase();
    if (kw === 'ARG' || kw === 'ENV') {
      for (const m of rest.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g)) vars.set(m[1] ?? '', (m[2] ?? '').replace(/^["']|["']$/g, ''));
      const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=\s]\S*)$/.exec(rest); // ENV NAME value
      if (kw === 'ENV' && legacy) vars.set(legacy[1] ?? '', legacy[2] ?? '');
    } else if (kw === 'EXPOSE') {
      const first = (rest.split(/\s+/)[0] ?? '').replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, v: string) => vars.get(v) ?? '?');
      const m = /^(\d+)(?:\/(?:tcp|udp))?$/.exec(first);
      const n = m ? Number(m[1]) : NaN;
      port = n >= 1 && n <= 65535 ? n : undefined;
    }
  }
  return port;
}
