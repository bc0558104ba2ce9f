import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
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
