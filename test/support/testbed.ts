import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { ROOT } from './paths.js';
import type { SshTarget } from '../../src/ports/ssh.js';

// The real servers of scripts/start-test-servers.sh (sshd + a dockerd of its own per node on
// 127.0.0.N+1), described by the JSON file BERTH_TEST_SERVERS names. In CI they must be there:
// a suite that silently skipped its SSH tests would prove nothing.

export interface TestServer {
  name: string;
  host: string;
  port: number;
  user: string;
  keyPath: string;
  hostKeyFingerprint: string;
  dockerSocket: string;
  sshdPidFile: string;
  dockerdPidFile: string;
  sshdLog: string;
  bridge: string;
  bridgeCidr: string;
}

const CTL = `${ROOT}scripts/test-server-ctl.sh`;

function load(): TestServer[] | string {
  const file = process.env.BERTH_TEST_SERVERS;
  if (!file) return 'BERTH_TEST_SERVERS is not set (run: eval "$(sudo scripts/start-test-servers.sh 2)")';
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TestServer[];
  } catch (e) {
    return `BERTH_TEST_SERVERS (${file}) cannot be read: ${(e as Error).message}`;
  }
}

const loaded = load();
if (typeof loaded === 'string' && process.env.CI) throw new Error(`CI needs the test servers: ${loaded}`);

/** Why the testbed is missing (outside CI only), for describe.skipIf; undefined when it is there. */
export const testbedMissing: string | undefined = typeof loaded === 'string' ? loaded : undefined;

/** Node N of the testbed (1-based). */
export function testServer(n: number): TestServer {
  if (typeof loaded === 'string') throw new Error(loaded);
  const s = loaded[n - 1];
  if (!s) throw new Error(`the testbed has ${loaded.length} servers; node ${n} was asked for`);
  return s;
}

/** How Berth reaches the node: its client key and the pinned host key. */
export function sshTarget(s: TestServer, overrides: Partial<SshTarget> = {}): SshTarget {
  return {
    serverId: `srv_test_${s.name}`,
    host: s.host,
    port: s.port,
    user: s.user,
    privateKey: readFileSync(s.keyPath, 'utf8'),
    hostKey: s.hostKeyFingerprint,
    connectTimeoutMs: 10_000,
    ...overrides,
  };
}

/** The node's engine on its own socket, as root: how a test looks at what Berth did there. */
export function nodeDocker(s: TestServer): Docker {
  return new Docker({ socketPath: s.dockerSocket });
}

/** Stops or starts a part of node N, by pid (scripts/test-server-ctl.sh). */
export function serverCtl(command: 'stop-sshd' | 'start-sshd' | 'kill-sessions' | 'stop-dockerd' | 'start-dockerd', n: number): void {
  execFileSync(CTL, [command, String(n)], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export function serverPids(n: number): { sshdPid: number | null; dockerdPid: number | null } {
  return JSON.parse(execFileSync(CTL, ['status', String(n)], { encoding: 'utf8' })) as { sshdPid: number | null; dockerdPid: number | null };
}

interface TcpConn {
  localPort: number;
  pid: number | undefined;
}

/** Established TCP connections from this machine to host:port, with the client process (ss). */
export function tcpConnectionsTo(host: string, port: number): TcpConn[] {
  const out = execFileSync('ss', ['-Htnp', 'state', 'established', 'dst', `${host}:${port}`], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const cols = line.trim().split(/\s+/);
      const local = cols[2] ?? '';
      return { localPort: Number(local.slice(local.lastIndexOf(':') + 1)), pid: Number(/pid=(\d+)/.exec(line)?.[1]) || undefined };
    });
}

/** The sshd process on the server side of the connection from localPort (to kill just that one). */
export function sshdServing(host: string, port: number, localPort: number): number | undefined {
  const out = execFileSync('ss', ['-Htnp', 'state', 'established', 'src', `${host}:${port}`, 'dport', `= :${localPort}`], { encoding: 'utf8' });
  const m = /pid=(\d+)/.exec(out);
  return m ? Number(m[1]) : undefined;
}
