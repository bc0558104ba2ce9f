import { describe, expect, it } from 'vitest';
import { classifyListeners, listenAddress, listeningInodes } from '../../../src/adapters/proxy/port-listeners.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const row = (local: string, st: string, inode: number) => `   0: ${local} 00000000:0000 ${st} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;

describe('port listeners from the kernel socket tables', () => {
  it('takes the LISTEN sockets of one port, any address, and skips connections', () => {
    const tcp = HEADER + row('0100007F:1F90', '0A', 11) + row('00000000:1F90', '0A', 12) + row('0100007F:1F90', '01', 13) + row('0100007F:1F91', '0A', 14);
    expect(listeningInodes(tcp, 0x1f90)).toEqual([11, 12]);
    const tcp6 = HEADER + row('00000000000000000000000000000000:1F90', '0A', 21);
    expect(listeningInodes(tcp6, 0x1f90)).toEqual([21]);
  });

  it('for one host address, takes its own listeners, IPv4-mapped ones and the wildcards, not those of other addresses', () => {
    // 127.0.0.5, 0.0.0.0, 127.0.0.6 on port 443 (0x01BB); then ::ffff:127.0.0.5, ::, ::1 and ::ffff:127.0.0.6.
    const tcp = HEADER + row('0500007F:01BB', '0A', 1) + row('00000000:01BB', '0A', 2) + row('0600007F:01BB', '0A', 3);
    const tcp6 = HEADER + row('0000000000000000FFFF00000500007F:01BB', '0A', 4) + row('00000000000000000000000000000000:01BB', '0A', 5) + row('00000000000000000000000001000000:01BB', '0A', 6) + row('0000000000000000FFFF00000600007F:01BB', '0A', 7);
    expect([...listeningInodes(tcp, 443, '127.0.0.5'), ...listeningInodes(tcp6, 443, '127.0.0.5')]).toEqual([1, 2, 4, 5]);
    expect(listeningInodes(tcp6, 443, '::1')).toEqual([5, 6]);
    // No host, a wildcard, or a name (not resolved here): every listener on the port.
    for (const host of [undefined, '0.0.0.0', 'localhost']) expect([...listeningInodes(tcp, 443, host), ...listeningInodes(tcp6, 443, host)]).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('reads the address of a Caddy listen address', () => {
    expect([':443', '127.0.0.5:443', '[::1]:8443', 'tcp/127.0.0.5:443'].map((l) => listenAddress(l, Number(l.slice(l.lastIndexOf(':') + 1))))).toEqual([
      { port: 443 },
      { host: '127.0.0.5', port: 443 },
      { host: '::1', port: 8443 },
      { host: '127.0.0.5', port: 443 },
    ]);
  });

  it('tells this edge, another Berth edge, an orphaned one and a foreign process apart', () => {
    const exists = (path: string) => path.startsWith('/homes/alive/');
    const caddy = (home: string) => ['caddy', 'run', '--config', `${home}/proxy/edge.json`];
    expect(
      classifyListeners(
        [
          { inode: 1, pid: 10, command: 'caddy', argv: caddy('/homes/mine') },
          { inode: 2, pid: 20, command: 'caddy', argv: caddy('/homes/alive/b') },
          { inode: 3, pid: 30, command: 'caddy', argv: caddy('/homes/deleted') },
          { inode: 4, pid: 40, command: 'caddy', argv: ['caddy', 'run', '--config', '/etc/caddy/caddy.json'] },
          { inode: 5, pid: 50, command: 'node', argv: ['node', 'server.js'] },
          { inode: 6 },
        ],
        10,
        exists,
      ),
    ).toEqual([
      { pid: 10, command: 'caddy', kind: 'this-edge' },
      { pid: 20, command: 'caddy', kind: 'berth-edge', home: '/homes/alive/b' },
      { pid: 30, command: 'caddy', kind: 'orphaned-berth-edge', home: '/homes/deleted' },
      { pid: 40, command: 'caddy', kind: 'foreign' },
      { pid: 50, command: 'node', kind: 'foreign' },
      { pid: null, command: null, kind: 'foreign' },
    ]);
  });
});
