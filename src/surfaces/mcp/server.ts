import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { BerthError } from '../../core/errors/berth-error.js';
import type { ErrorObject } from '../../core/errors/types.js';
import { malformedInputIssues, validationError } from '../../core/errors/validation.js';
import { toolName, type Operation } from '../../operations/operation.js';
import type { ApiClient } from '../client/api-client.js';
import { errorForMcp } from './remedies.js';
import { toolOf } from './tools.js';

// MCP tools derived from the catalogue. Arguments are forwarded unvalidated to the control plane
// so an agent gets the error object the CLI and HTTP give for the same input; only its remedies
// are phrased as tool calls. Strings that cannot travel in a URL or JSON (lone surrogates, NUL)
// are refused here by the same check the control plane runs.

function toolResult(result: { ok: true; data: unknown } | { ok: false; error: ErrorObject }, operations: readonly Operation[]) {
  if (result.ok) {
    const structured = (result.data !== null && typeof result.data === 'object' && !Array.isArray(result.data) ? result.data : { value: result.data }) as Record<string, unknown>;
    return { content: [{ type: 'text' as const, text: JSON.stringify(result.data) }], structuredContent: structured };
  }
  const structured = { error: errorForMcp(result.error, operations) };
  return { content: [{ type: 'text' as const, text: JSON.stringify(structured) }], structuredContent: structured, isError: true };
}

export function createMcpServer(operations: readonly Operation[], connect: () => Promise<ApiClient>, version: string): Server {
  const server = new Server({ name: 'berth', version }, { capabilities: { tools: {} } });
  const byTool = new Map(operations.map((op) => [toolName(op), op]));
  const tools = operations.map(toolOf);

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));

  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const op = byTool.get(request.params.name);
    if (!op) {
      const error = new BerthError('operation_not_found', 'No tool has this name; tools/list lists them.', { method: 'tools/call', path: request.params.name.slice(0, 100) });
      return toolResult({ ok: false, error: error.toObject() }, operations);
    }
    const args = (request.params.arguments ?? {}) as Record<string, unknown>;
    const malformed = malformedInputIssues(args);
    if (malformed.length > 0) return toolResult({ ok: false, error: validationError(malformed).toObject() }, operations);
    try {
      const client = await connect();
      return toolResult(await client.call(op, args), operations);
    } catch (err) {
      const error = err instanceof BerthError ? err : new BerthError('internal', 'The MCP bridge failed unexpectedly.', { reason: (err as Error)?.name ?? 'unknown', correlationId: 'mcp' });
      return toolResult({ ok: false, error: error.toObject() }, operations);
    }
  });
  return server;
}

export async function serveMcpOverStdio(server: Server): Promise<void> {
  await server.connect(new StdioServerTransport());
}
