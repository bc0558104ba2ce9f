import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useMcpPlane } from '../support/mcp.js';

// The same invalid request (an unknown field) through the CLI, HTTP and MCP gives one error object.
describe('one error contract on every surface', () => {
  const t = useMcpPlane();

  it('rejects an unknown field identically on CLI --json, HTTP and MCP', async () => {
    const input = { name: 'web', bogusField: 1 };

    const http = await t.plane.client.raw('POST', '/api/resources', JSON.stringify(input));
    expect(http.status).toBe(400);
    const httpError = JSON.parse(http.body).error;

    const cli = await runCli(['resource', 'create', '--input', JSON.stringify(input), '--json'], t.plane.cliEnv);
    expect(cli.code).toBe(2);
    const cliError = cli.json<{ error: unknown }>().error;

    const tool = await t.mcp.callTool({ name: 'resources_create', arguments: input });
    expect(tool.isError).toBe(true);
    const mcpError = (tool.structuredContent as { error: unknown }).error;

    expect(httpError.code).toBe('validation_failed');
    expect(httpError.phase).toBe('command-validation');
    expect(httpError.details.validationIssueCodes).toEqual(['unsupported_field']);
    expect(httpError.details.validationIssuePaths).toEqual(['bogusField']);
    expect(cliError).toEqual(httpError);
    // MCP phrases remedies as tool calls (test/surfaces/mcp.test.ts); everything else is the same object.
    expect({ ...(mcpError as object), remedies: undefined }).toEqual({ ...httpError, remedies: undefined });
  });

  it('reports positional issues for a nested unknown field and an invalid value, without echoing values', async () => {
    const secretish = 'value-that-must-not-echo-9f2c';
    const res = await t.plane.client.raw('POST', '/api/resources', JSON.stringify({ name: secretish.toUpperCase(), network: { internalPort: 80, extra: secretish } }));
    const error = JSON.parse(res.body).error;
    expect(error.code).toBe('validation_failed');
    expect(error.details.validationIssueCodes).toEqual(['invalid_input', 'unsupported_field']);
    expect(error.details.validationIssuePaths).toEqual(['name', 'network.extra']);
    expect(error.details.validationIssueMessages).toHaveLength(2);
    expect(res.body.toLowerCase()).not.toContain(secretish);
  });

  it('answers an unknown route and a malformed body with catalogued codes', async () => {
    const missing = await t.plane.client.raw('GET', '/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body).error.code).toBe('operation_not_found');
    const malformed = await t.plane.client.raw('POST', '/api/resources', '{not json');
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error.code).toBe('parse_failed');
  });
});
