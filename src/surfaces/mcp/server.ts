import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { BerthError } from '../../core/errors/berth-error.js';
import type { ErrorObject } from '../../core/errors/types.js';
import { toolName, type Operation } from '../../operations/operation.js';
import type { ApiClient } from '../client/api-client.js';

// MCP tools derived from the catalogue. Arguments are forwarded unvalidated to the control plane
// so an agent gets exactly the error object the CLI and HTTP give for the same input.

function toolResult(result: { ok: true; data: unknown } | { ok: false; error: ErrorObject }) {
  if (result.ok) {
    const structured = (result.data !== null && typeof result.data === 'object' && !Array.isArray(result.data) ? result.data : { value: result.data }) as Record<string, unknown>;
    return { content: [{ type: 'text' as const, text: JSON.stringify(result.data) }], structuredContent: structured };
  }
  const structured = { error: result.error };
  return { content: [{ type: 'text' as const, text: JSON.stringify(structured) }], structuredContent: structured, isError: true };
}

export function createMcpServer(operations: readonly Operation[], connect: () => Promise<ApiClient>, version: string): Server {
  const server = new Server({ name: 'berth', version }, { capabilities: { tools: {} } });
  const byTool = new Map(operations.map((op) => [toolName(op), op]));

  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: operations.map((op) => ({
      name: toolName(op),
      title: op.summary,
      description: `${op.summary}${op.destructive ? ` Destructive: pass ${op.confirmationField ?? 'dryRun'} explicitly.` : ''}`,
      inputSchema: z.toJSONSchema(op.input, { io: 'input', unrepresentable: 'any' }) as { type: 'object'; properties?: Record<string, object> },
      annotations: { readOnlyHint: op.kind === 'query', destructiveHint: op.destructive, idempotentHint: op.kind === 'query', openWorldHint: false },
    })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const op = byTool.get(request.params.name);
    if (!op) {
      return toolResult({ ok: false, error: new BerthError('operation_not_found', 'No tool has this name.', { method: 'tools/call', path: request.params.name.slice(0, 100) }).toObject() });
    }
    try {
      const client = await connect();
      return toolResult(await client.call(op, (request.params.arguments ?? {}) as Record<string, unknown>));
    } catch (err) {
      const error = err instanceof BerthError ? err : new BerthError('internal', 'The MCP bridge failed unexpectedly.', { reason: (err as Error)?.name ?? 'unknown', correlationId: 'mcp' });
      return toolResult({ ok: false, error: error.toObject() });
    }
  });
  return server;
}

export async function serveMcpOverStdio(server: Server): Promise<void> {
  await server.connect(new StdioServerTransport());
}
