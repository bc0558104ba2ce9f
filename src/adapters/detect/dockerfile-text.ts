import { nodeImage } from '../../core/plan/base-images.js';

// Dockerfile text, both ways: the one Berth wrote for node apps before node builds had their
// own install step, and the one thing Berth reads from a user's Dockerfile (the port it EXPOSEs).

/** A RUN line; exec form when the command would break shell form (newlines, trailing "\"). */
function run(command: string): string {
  return /\n|\\\s*$/.test(command) ? `RUN ${JSON.stringify(['sh', '-c', command])}` : `RUN ${command}`;
}

/**
 * Superseded by the node build's own app image (engine/deployments/node-dockerfile.ts); kept
 * only while the node planner still imports it. Remove with that import.
 */
export function nodeDockerfile(c: { install?: string; build?: string; start: string; port: number }): string {
  return [
    `FROM ${nodeImage(20)}`,
    'WORKDIR /app',
    'COPY . .',
    ...(c.install ? [run(c.install)] : []),
    ...(c.build ? [run(c.build)] : []),
    `ENV PORT=${c.port}`,
    `EXPOSE ${c.port}`,
    `CMD ${JSON.stringify(['sh', '-c', c.start])}`,
    '',
  ].join('\n');
}

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
