import { afterAll, beforeAll } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startTestControlPlane, type TestControlPlane } from './control-plane.js';
import { BIN } from './paths.js';

/** A real MCP client connected to `berth mcp` over stdio. */
export async function connectMcp(env: NodeJS.ProcessEnv): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp'],
    env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'berth-test', version: '0.0.0' });
  await client.connect(transport);
  return client;
}

export interface McpPlane {
  readonly plane: TestControlPlane;
  readonly mcp: Client;
}

/**
 * A test control plane with an MCP client connected to it, for the enclosing describe block:
 * started before its tests, closed after them. Read the fields inside tests (they are set in beforeAll).
 */
export function useMcpPlane(): McpPlane {
  let plane: TestControlPlane | undefined;
  let mcp: Client | undefined;
  beforeAll(async () => {
    plane = await startTestControlPlane();
    mcp = await connectMcp(plane.cliEnv);
  });
  afterAll(async () => {
    await mcp?.close();
    await plane?.close();
  });
  return {
    get plane() {
      return plane!;
    },
    get mcp() {
      return mcp!;
    },
  };
}
