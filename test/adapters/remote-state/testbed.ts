import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Client, type SFTPWrapper } from 'ssh2';

// A node of the SSH testbed (scripts/start-test-servers.sh): its sshd, user and key. The state
// root is reached only through that sshd's SFTP, as the node's (non-root) user.

export interface TestNode {
  name: string;
  host: string;
  port: number;
  user: string;
  keyPath: string;
  hostKeyFingerprint: string;
}

const DEFAULT_SERVERS = '/var/lib/berth-testbed/servers.json';

export function testNodes(): TestNode[] {
  const file = process.env.BERTH_TEST_SERVERS ?? DEFAULT_SERVERS;
  if (!existsSync(file)) throw new Error(`no SSH testbed: run scripts/start-test-servers.sh and export BERTH_TEST_SERVERS (${file} is missing)`);
  return JSON.parse(readFileSync(file, 'utf8')) as TestNode[];
}

export interface SftpConnection {
  sftp: SFTPWrapper;
  close(): void;
}

/** One SSH connection with its SFTP channel; the node's host key is checked against its pin. */
export function connectSftp(node: TestNode): Promise<SftpConnection> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .on('ready', () => {
        client.sftp((err, sftp) => (err ? reject(err) : resolve({ sftp, close: () => client.end() })));
      })
      .on('error', reject)
      .connect({
        host: node.host,
        port: node.port,
        username: node.user,
        privateKey: readFileSync(node.keyPath),
        readyTimeout: 10_000,
        hostVerifier: (key: Buffer) => `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}` === node.hostKeyFingerprint,
      });
  });
}
