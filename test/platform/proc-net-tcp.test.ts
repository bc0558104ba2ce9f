import { describe, expect, it } from 'vitest';
import { listeningSockets } from '../../src/platform/proc-net-tcp.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

describe('the kernel TCP socket table', () => {
  it('yields the LISTEN rows with hex address, decoded port and inode; other states and the header are not sockets', () => {
    const text =
      HEADER +
      '   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 0 100 0 0 10 0\n' +
      '   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 99 1 0 100 0 0 10 0\n' +
      '   0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 77 1\n';
    expect(listeningSockets(text)).toEqual([
      { address: '00000000', port: 80, inode: 1234 },
      { address: '00000000000000000000000000000000', port: 3000, inode: 77 },
    ]);
    expect(listeningSockets('')).toEqual([]);
  });
});
