import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listeningPortsOfPid, parseProcNetTcp } from '../../../src/adapters/docker/listening-ports.js';
import { TEST_ROOT } from '../../support/paths.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const TCP =
  HEADER +
  '   0: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n' + // 0.0.0.0:80 LISTEN
  '   1: 0B00007F:9335 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0\n' + // Docker DNS
  '   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0 100 0 0 10 0\n'; // ESTABLISHED
const TCP6 = HEADER + '   0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1\n';

describe('listening ports from /proc/<pid>/net', () => {
  it('decodes hex ports in LISTEN state, skipping other states and Docker DNS', () => {
    expect(parseProcNetTcp(TCP)).toEqual([80]);
    expect(parseProcNetTcp(TCP6)).toEqual([3000]);
  });

  it('merges tcp and tcp6, and is undefined when nothing can be read', async () => {
    mkdirSync(TEST_ROOT, { recursive: true });
    const proc = mkdtempSync(join(TEST_ROOT, 'proc-'));
    mkdirSync(join(proc, '42/net'), { recursive: true });
    writeFileSync(join(proc, '42/net/tcp'), TCP);
    writeFileSync(join(proc, '42/net/tcp6'), TCP6 + TCP6.split('\n')[1] + '\n');
    expect(await listeningPortsOfPid(42, proc)).toEqual([80, 3000]);
    expect(await listeningPortsOfPid(43, proc)).toBeUndefined();
    expect(await listeningPortsOfPid(0, proc)).toBeUndefined();
  });
});
