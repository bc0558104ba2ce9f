import type { SFTPWrapper } from 'ssh2';
import { createSshConnector } from '../../../src/adapters/ssh/connector.js';
import { sshTarget, testServer, type TestServer } from '../../support/testbed.js';

// The state root of a testbed node, reached only through its sshd's SFTP as the node's
// (non-root) user, over Berth's own SSH connector with the host key pinned.

export type TestNode = TestServer;

/**
 * The state-root tests' node: the third, which no SSH fault test stops (those stop nodes 1 and
 * 2's sshd and dockerd while other test files run). Each test uses its own root directory.
 */
export const stateRootNode = (): TestNode => testServer(3);

export interface SftpConnection {
  sftp: SFTPWrapper;
  close(): void;
}

let sessions = 0;

/** A connection of its own (a separate pooled entry), so two state roots contend like two control planes. */
export async function connectSftp(node: TestNode): Promise<SftpConnection> {
  const connector = createSshConnector();
  const session = await connector.session(sshTarget(node, { serverId: `srv_rstest_${process.pid}_${++sessions}` }));
  return { sftp: await session.sftp(), close: () => void connector.closeAll() };
}
