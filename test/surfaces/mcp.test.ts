import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/operations/catalogue.js';
import { toolName } from '../../src/operations/operation.js';
import { useMcpPlane } from '../support/mcp.js';

type ToolError = { code: string; details: Record<string, unknown>; remedies: { title: string; command?: string }[] };
const errorOf = (result: unknown) => (result as { structuredContent: { error: ToolError } }).structuredContent.error;

// The MCP surface through the SDK's real client against `berth mcp`: tools carry output schemas
// and say what to type for confirmations; errors keep the contract, phrased for tool calls.
describe('the MCP surface speaks MCP', () => {
  const t = useMcpPlane();

  it('every tool has an object output schema, and results satisfy it (the client validates them)', async () => {
    const { tools } = await t.mcp.listTools();
    expect(tools).toHaveLength(OPERATIONS.length);
    for (const tool of tools) expect(tool.outputSchema?.type, tool.name).toBe('object');
    // The SDK client checks structuredContent against the output schema: these throw if it does not fit.
    const listed = await t.mcp.callTool({ name: 'tokens_list', arguments: {} });
    expect(listed.isError).toBeFalsy();
    expect(Array.isArray((listed.structuredContent as { items: unknown[] }).items)).toBe(true);
    const health = await t.mcp.callTool({ name: 'system_health', arguments: {} });
    expect(health.isError).toBeFalsy();
  });

  it('every confirmation field says to type the target id again', async () => {
    const { tools } = await t.mcp.listTools();
    const confirming = OPERATIONS.filter((op) => op.confirmationField);
    expect(confirming.length).toBeGreaterThan(0);
    for (const op of confirming) {
      const tool = tools.find((t) => t.name === toolName(op))!;
      const target = /\{(\w+)\}/.exec(op.http.path)![1]!;
      const field = (tool.inputSchema.properties as Record<string, { description?: string }>)[op.confirmationField!]!;
      expect(field.description, op.name).toContain(`\`${target}\``);
      expect(tool.description, op.name).toContain(`\`${op.confirmationField}\``);
    }
  });

  it('an unknown tool is operation_not_found pointing to tools/list', async () => {
    const result = await t.mcp.callTool({ name: 'no_such_tool', arguments: {} });
    expect(result.isError).toBe(true);
    const error = errorOf(result);
    expect(error.code).toBe('operation_not_found');
    expect(error.remedies.map((r) => r.command)).toContain('tools/list');
  });

  it('a confirmation mismatch is remedied with the argument, not --confirm', async () => {
    const issued = await t.plane.client.call(OPERATIONS.find((o) => o.name === 'tokens.issue')!, { name: 'mcp-victim' });
    if (!issued.ok) throw new Error('could not issue a token');
    const token = (issued.data as { token: { id: string } }).token;
    const result = await t.mcp.callTool({ name: 'tokens_revoke', arguments: { id: token.id, confirm: 'not-the-id' } });
    const error = errorOf(result);
    expect(error.code).toBe('confirmation_mismatch');
    for (const r of error.remedies) {
      expect(r.title).not.toMatch(/--[a-z]/);
      expect(r.command ?? '').not.toMatch(/^berth /);
    }
    expect((await t.plane.store.tokens.get(token.id))?.revokedAt).toBeNull();
  });

  it('remedies with commands become tool calls; the error is otherwise the one HTTP gives', async () => {
    const result = await t.mcp.callTool({ name: 'resources_show', arguments: { id: 'res_missing' } });
    const error = errorOf(result);
    expect(error.code).toBe('resource_not_found');
    expect(error.remedies[0]!.command).toBe('tools/call resources_list {}');
    const http = JSON.parse((await t.plane.client.raw('GET', '/api/resources/res_missing')).body).error as ToolError;
    expect({ ...error, remedies: undefined }).toEqual({ ...http, remedies: undefined });
    expect(http.remedies[0]!.command).toBe('berth resource list');
  });

  it('strings that cannot travel (lone surrogates, NUL) in arguments are validation_failed, in paths too', async () => {
    for (const args of [{ id: 'x\ud800' }, { id: 'a\u0000b' }]) {
      const result = await t.mcp.callTool({ name: 'projects_show', arguments: args });
      const error = errorOf(result);
      expect(error.code).toBe('validation_failed');
      expect(error.details.validationIssuePaths).toEqual(['id']);
    }
    const body = await t.mcp.callTool({ name: 'tokens_issue', arguments: { name: 'x\udc00' } });
    expect(errorOf(body).code).toBe('validation_failed');
    // A path id that is no URL segment (a dot segment, empty, not a string) would reach another route.
    for (const id of ['..', '.', '', [], null]) {
      const result = await t.mcp.callTool({ name: 'tokens_revoke', arguments: { id, confirm: 'x' } });
      expect(errorOf(result).code).toBe('validation_failed');
      expect(new Set(errorOf(result).details.validationIssuePaths as string[])).toEqual(new Set(['id']));
    }
  });
});
